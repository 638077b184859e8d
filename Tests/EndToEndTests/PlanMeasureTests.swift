import Foundation
import PythonOracle
import XCTest

/// `rankscope plan --target-params … --measure --text FILE`: each strategy's measured figure is
/// what `eval --plan` gives for the plan file `plan` wrote (`--out-uniform` for the uniform rows,
/// `--out` for the allocated one), with the statistics for the data-aware rows and without them
/// for the plain one; the prediction stands on the original measured in the run; the option
/// errors are one sentence.
final class PlanMeasureTests: XCTestCase {
    private let window = ["--seq-len", "16", "--max-tokens", "100"]

    private func report(_ outcome: Harness.Outcome) throws -> [String: Any] {
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        return try XCTUnwrap(try Harness.json(outcome.stdout) as? [String: Any], outcome.stdout)
    }

    /// `eval --json` of `arguments`: its report.
    private func eval(_ fixture: EvalFixture, _ arguments: [String]) throws -> [String: Any] {
        try report(try Harness.rankscope(["eval"] + arguments + ["--text", fixture.text, "--json"] + window, cacheHome: fixture.cache))
    }

    private func assertRelative(_ a: Double?, _ b: Double?, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let a, let b else { return XCTFail("missing figure: \(message)", file: file, line: line) }
        XCTAssertEqual(a, b, accuracy: 1e-9 * abs(b), message, file: file, line: line)
    }

    func testMeasuredFiguresAreEvalOfTheWrittenPlans() throws {
        try EvalFixture.with { fixture in
            let model = fixture.model("llama-gqa"), stats = fixture.folder + "/stats.safetensors", profile = fixture.folder + "/profile.json"
            let plan = fixture.folder + "/plan.json", uniform = fixture.folder + "/uniform.json"
            XCTAssertEqual(try Harness.rankscope(["stats", model, "--text", fixture.text, "--out", stats, "--seq-len", "64"], cacheHome: fixture.cache).status, 0)
            let profiled = try Harness.rankscope(["sensitivity", model, "--text", fixture.text, "--out", profile, "--ranks", "0.5", "--stats", stats] + window,
                                                 cacheHome: fixture.cache)
            XCTAssertEqual(profiled.status, 0, profiled.stderr)
            let planned = try Harness.rankscope(["plan", model, "--target-params", "80%lin", "--stats", stats, "--sensitivity", profile,
                                                 "--out", plan, "--out-uniform", uniform, "--measure", "--text", fixture.text, "--json"] + window,
                                                cacheHome: fixture.cache)
            XCTAssertTrue(planned.stderr.contains("--measure runs the model over \(fixture.text) 4 times"), planned.stderr)
            let document = try report(planned)
            let rows = try XCTUnwrap(document["comparison"] as? [[String: Any]], planned.stdout)
            XCTAssertEqual(rows.map { "\($0["strategy"]!) \($0["truncation"]!)" }, ["uniform plain", "uniform data_aware", "plan data_aware"])

            // Each row is eval of the plan file written, with the statistics or without.
            let expected = [try eval(fixture, [model, "--plan", uniform]), try eval(fixture, [model, "--plan", uniform, "--stats", stats]),
                            try eval(fixture, [model, "--plan", plan, "--stats", stats])]
            var figures: [Double] = []
            for (row, evaluated) in zip(rows, expected) {
                let measured = try XCTUnwrap(row["measured"] as? [String: Any])
                let candidate = try XCTUnwrap(evaluated["candidate"] as? [String: Any]), original = try XCTUnwrap(evaluated["original"] as? [String: Any])
                assertRelative(measured["perplexity"] as? Double, candidate["perplexity"] as? Double, "\(row["strategy"]!) \(row["truncation"]!)")
                assertRelative(measured["original_perplexity"] as? Double, original["perplexity"] as? Double, "the original")
                XCTAssertEqual(measured["linear_parameters"] as? Int, candidate["linear_parameters"] as? Int)
                XCTAssertEqual(measured["tokens"] as? Int, 96)
                XCTAssertEqual(measured["windows"] as? Int, 6)
                XCTAssertEqual(measured["text"] as? String, fixture.text)
                figures.append(try XCTUnwrap(measured["perplexity"] as? Double))
            }
            XCTAssertNotEqual(figures[0], figures[1], accuracy: 1e-6 * figures[1], "the statistics change the uniform plan's factors")
            XCTAssertNotEqual(figures[1], figures[2], accuracy: 1e-6 * figures[2], "the allocated plan is not the uniform one")

            // Predictions: none for the plain row beside a data-aware profile; the others are the
            // profile's increases on the original measured here, with their ±2 SE range.
            XCTAssertNil(rows[0]["predicted"])
            let prediction = try XCTUnwrap(document["prediction"] as? [String: Any])
            let original = try XCTUnwrap((rows[1]["measured"] as? [String: Any])?["original_perplexity"] as? Double)
            for (row, key) in [(rows[1], "uniform"), (rows[2], "plan")] {
                let predicted = try XCTUnwrap(row["predicted"] as? [String: Any], "\(row)")
                let increase = try XCTUnwrap((prediction[key] as? [String: Any])?["loss_increase"] as? Double)
                assertRelative(predicted["perplexity"] as? Double, original * exp(increase), key)
                let range = try XCTUnwrap(predicted["perplexity_range"] as? [Double], "\(predicted)")
                XCTAssertLessThanOrEqual(range[0], predicted["perplexity"] as! Double)
                XCTAssertGreaterThan(range[1], predicted["perplexity"] as! Double)
            }

            // The table: the same rows, "–" where there is no prediction.
            let table = try Harness.rankscope(["plan", model, "--target-params", "80%lin", "--stats", stats, "--sensitivity", profile,
                                               "--measure", "--text", fixture.text] + window, cacheHome: fixture.cache)
            XCTAssertEqual(table.status, 0, table.stderr)
            let lines = table.stdout.split(separator: "\n").map(String.init)
            let header = try XCTUnwrap(lines.firstIndex { $0.contains("predicted perplexity (±2 SE)") }, table.stdout)
            XCTAssertTrue(lines[header + 1].contains("uniform ranks  plain SVD") && lines[header + 1].contains("–"), table.stdout)
            XCTAssertTrue(lines[header + 1].contains(String(format: "%.4f", figures[0])), table.stdout)
            XCTAssertTrue(lines[header + 2].contains("uniform ranks  data-aware") && lines[header + 2].contains(String(format: "%.4f", figures[1])), table.stdout)
            XCTAssertTrue(lines[header + 3].contains("allocated") && lines[header + 3].contains(String(format: "%.4f", figures[2])), table.stdout)
            XCTAssertTrue(lines[header + 3].contains(String(format: "%.3f", figures[2] / original)), "×original: \(table.stdout)")
        }
    }

    /// An encoder without statistics or profile: two rows (uniform, allocated), the mean cosine
    /// of `eval --plan`, no prediction.
    func testEncoderRowsAreEvalOfTheWrittenPlans() throws {
        try EvalFixture.with { fixture in
            let model = fixture.model("bert"), plan = fixture.folder + "/plan.json", uniform = fixture.folder + "/uniform.json"
            let document = try report(try Harness.rankscope(["plan", model, "--target-params", "70%lin", "--out", plan, "--out-uniform", uniform,
                                                             "--measure", "--text", fixture.text, "--json"], cacheHome: fixture.cache))
            let rows = try XCTUnwrap(document["comparison"] as? [[String: Any]])
            XCTAssertEqual(rows.map { "\($0["strategy"]!) \($0["truncation"]!)" }, ["uniform plain", "plan plain"])
            for (row, file) in zip(rows, [uniform, plan]) {
                XCTAssertNil(row["predicted"])
                let measured = try XCTUnwrap(row["measured"] as? [String: Any])
                let evaluated = try report(try Harness.rankscope(["eval", model, "--plan", file, "--text", fixture.text, "--json"], cacheHome: fixture.cache))
                let agreement = try XCTUnwrap(evaluated["agreement"] as? [String: Any])
                assertRelative(measured["mean_cosine"] as? Double, agreement["mean_cosine"] as? Double, file)
                XCTAssertEqual(measured["sentences"] as? Int, evaluated["sentences"] as? Int)
                XCTAssertNil(measured["perplexity"])
            }
        }
    }

    /// At 50% of the linear parameters without a profile the allocator returns the uniform plan
    /// (`auto`): its layers are measured once, and both rows carry the same figure.
    func testTheUniformPlanReturnedByTheAllocatorIsMeasuredOnce() throws {
        try EvalFixture.with { fixture in
            let outcome = try Harness.rankscope(["plan", fixture.model("gpt2"), "--target-params", "50%lin", "--measure", "--text", fixture.text, "--json"] + window,
                                                cacheHome: fixture.cache)
            XCTAssertTrue(outcome.stderr.contains(" 2 times: the original, then 1 plan, "), outcome.stderr)
            let rows = try XCTUnwrap(try report(outcome)["comparison"] as? [[String: Any]])
            XCTAssertEqual(rows.count, 2)
            let figures = rows.compactMap { ($0["measured"] as? [String: Any])?["perplexity"] as? Double }
            XCTAssertEqual(figures.count, 2)
            XCTAssertEqual(figures[0], figures[1])
        }
    }

    /// `--calibration-text`: the plan's calibrated prediction is `eval --plan` of the written plan
    /// over the calibration text (its windows of `--seq-len`, its first `--calibration-tokens`),
    /// paired window by window; beside `--measure` every row carries its own, carried onto the
    /// original measured over the evaluation text; the rule's figure stays where it was.
    func testCalibratedPredictionIsEvalOverTheCalibrationText() throws {
        try EvalFixture.with { fixture in
            let model = fixture.model("llama-gqa"), stats = fixture.folder + "/stats.safetensors", profile = fixture.folder + "/profile.json"
            let plan = fixture.folder + "/plan.json", uniform = fixture.folder + "/uniform.json", calibration = fixture.folder + "/calibration.txt"
            // Another text of the same kind: the fixture's lines in reverse order.
            let lines = try String(contentsOfFile: fixture.text, encoding: .utf8).split(separator: "\n").reversed()
            try lines.joined(separator: "\n").write(toFile: calibration, atomically: true, encoding: .utf8)
            XCTAssertEqual(try Harness.rankscope(["stats", model, "--text", fixture.text, "--out", stats, "--seq-len", "64"], cacheHome: fixture.cache).status, 0)
            let profiled = try Harness.rankscope(["sensitivity", model, "--text", fixture.text, "--out", profile, "--ranks", "0.5", "--stats", stats] + window,
                                                 cacheHome: fixture.cache)
            XCTAssertEqual(profiled.status, 0, profiled.stderr)
            let arguments = ["plan", model, "--target-params", "80%lin", "--stats", stats, "--sensitivity", profile,
                             "--calibration-text", calibration, "--calibration-tokens", "64", "--seq-len", "16"]
            let planned = try Harness.rankscope(arguments + ["--out", plan, "--out-uniform", uniform, "--json"], cacheHome: fixture.cache)
            XCTAssertTrue(planned.stderr.contains("--calibration-text runs the model over \(calibration) 2 times"), planned.stderr)
            let prediction = try XCTUnwrap(try report(planned)["prediction"] as? [String: Any], planned.stdout)
            let calibrated = try XCTUnwrap(prediction["calibrated_plan"] as? [String: Any], "\(prediction)")
            XCTAssertNil(prediction["calibrated_uniform"], "without --measure only the plan is run")

            // The figure is eval of the plan file over the calibration text's first 64 tokens.
            let evaluated = try report(try Harness.rankscope(["eval", model, "--plan", plan, "--stats", stats, "--text", calibration, "--json",
                                                              "--seq-len", "16", "--max-tokens", "64"], cacheHome: fixture.cache))
            let paired = try XCTUnwrap(evaluated["paired"] as? [String: Any], "\(evaluated)")
            let increase = try XCTUnwrap(paired["loss_increase"] as? Double)
            XCTAssertEqual(try XCTUnwrap(calibrated["loss_increase"] as? Double), increase, accuracy: 1e-9)
            XCTAssertEqual(try XCTUnwrap(calibrated["loss_increase_standard_error"] as? Double),
                           try XCTUnwrap(paired["loss_increase_standard_error"] as? Double), accuracy: 1e-9)
            assertRelative(calibrated["perplexity"] as? Double, (evaluated["candidate"] as? [String: Any])?["perplexity"] as? Double, "on its own original")
            // Its range is eval's, with the lower end not below the original (a predicted increase is at least 0).
            let range = try XCTUnwrap(calibrated["perplexity_range"] as? [Double]), spread = try XCTUnwrap(paired["perplexity_range"] as? [Double])
            let originalThere = try XCTUnwrap((evaluated["original"] as? [String: Any])?["perplexity"] as? Double)
            assertRelative(range[0], max(spread[0], originalThere), "the range's lower end")
            assertRelative(range[1], spread[1], "the range's upper end")
            let source = try XCTUnwrap(calibrated["calibration"] as? [String: Any])
            XCTAssertEqual(source["text"] as? String, calibration)
            XCTAssertEqual(source["tokens"] as? Int, 64)
            XCTAssertEqual(source["measured_over"] as? String, "4 windows of 16 tokens")
            let rule = try XCTUnwrap((prediction["plan"] as? [String: Any])?["loss_increase"] as? Double)
            XCTAssertEqual(source["rule_loss_increase"] as? Double, rule)
            XCTAssertNotEqual(rule, increase, accuracy: 1e-9, "the rule's figure is not the measured one")

            // The text report prints it beside the rule's.
            let text = try Harness.rankscope(arguments, cacheHome: fixture.cache)
            XCTAssertEqual(text.status, 0, text.stderr)
            XCTAssertTrue(text.stdout.contains("The plan measured in company over the calibration text \(calibration) (4 windows of 16 tokens)"), text.stdout)
            XCTAssertTrue(text.stdout.contains(String(format: "next-token log-loss + %.4f ± ", increase)), text.stdout)

            // With --measure: each row's calibrated figure is its increase over the calibration
            // text on the original measured over the evaluation text.
            let measured = try Harness.rankscope(arguments + ["--measure", "--text", fixture.text, "--max-tokens", "100", "--json"], cacheHome: fixture.cache)
            XCTAssertTrue(measured.stderr.contains("--calibration-text and --measure run the model over \(calibration) and \(fixture.text), 4 times each"),
                          measured.stderr)
            XCTAssertEqual(measured.stderr.components(separatedBy: ": compressed in ").count - 1, 3, "each plan compressed once for both texts: \(measured.stderr)")
            let document = try report(measured)
            let rows = try XCTUnwrap(document["comparison"] as? [[String: Any]])
            let calibratedUniform = try XCTUnwrap((document["prediction"] as? [String: Any])?["calibrated_uniform"] as? [String: Any])
            let uniformEvaluated = try report(try Harness.rankscope(["eval", model, "--plan", uniform, "--stats", stats, "--text", calibration, "--json",
                                                                     "--seq-len", "16", "--max-tokens", "64"], cacheHome: fixture.cache))
            XCTAssertEqual(try XCTUnwrap(calibratedUniform["loss_increase"] as? Double),
                           try XCTUnwrap((uniformEvaluated["paired"] as? [String: Any])?["loss_increase"] as? Double), accuracy: 1e-9)
            XCTAssertEqual(rows.count, 3)
            for (row, expected) in zip(rows.suffix(2), [calibratedUniform, calibrated]) {
                let original = try XCTUnwrap((row["measured"] as? [String: Any])?["original_perplexity"] as? Double)
                let figure = try XCTUnwrap(row["calibrated"] as? [String: Any], "\(row)")
                assertRelative(figure["perplexity"] as? Double, original * exp(try XCTUnwrap(expected["loss_increase"] as? Double)), "\(row["strategy"]!)")
                XCTAssertNotNil(row["predicted"], "the rule's figure stays beside it")
            }
            XCTAssertNotNil(rows[0]["calibrated"], "the plain uniform plan is calibrated too, though the rule has no figure for it")
        }
    }

    func testOptionErrorsAreOneSentence() throws {
        try EvalFixture.with { fixture in
            let model = fixture.model("llama-gqa")
            let noText = try Harness.rankscope(["plan", model, "--target-params", "80%lin", "--measure"], cacheHome: fixture.cache)
            XCTAssertEqual(noText.status, 2)
            XCTAssertTrue(noText.stderr.contains("--measure needs --text FILE"), noText.stderr)
            let textAlone = try Harness.rankscope(["plan", model, "--target-params", "80%lin", "--text", fixture.text], cacheHome: fixture.cache)
            XCTAssertEqual(textAlone.status, 2)
            XCTAssertTrue(textAlone.stderr.contains("--text and --max-tokens go with --measure."), textAlone.stderr)
            let noTarget = try Harness.rankscope(["plan", model, "--measure", "--text", fixture.text], cacheHome: fixture.cache)
            XCTAssertEqual(noTarget.status, 1)
            XCTAssertEqual(noTarget.stderr, "rankscope: --measure compares the plan with uniform ranks at the same target, so it needs one: "
                           + "--target-params, --target-bytes, --target-bits, --max-error or a plan file's \"target\".\n")
            XCTAssertTrue(noTarget.stdout.isEmpty)
            let sameText = try Harness.rankscope(["plan", model, "--target-params", "80%lin", "--measure", "--text", fixture.text,
                                                  "--calibration-text", fixture.folder + "/./text.txt"], cacheHome: fixture.cache)
            XCTAssertEqual(sameText.status, 2)
            XCTAssertTrue(sameText.stderr.contains("--calibration-text and --text are the same file"), sameText.stderr)
            let tokensAlone = try Harness.rankscope(["plan", model, "--calibration-tokens", "64"], cacheHome: fixture.cache)
            XCTAssertEqual(tokensAlone.status, 2)
            XCTAssertTrue(tokensAlone.stderr.contains("--calibration-tokens goes with --calibration-text."), tokensAlone.stderr)
            try fixture.assertOneSentence(["plan", model, "--target-params", "80%lin", "--calibration-text", fixture.folder + "/missing.txt"],
                                          naming: "missing.txt", mentions: "no such file")
            // A text shorter than one window is refused before planning: no plan file, nothing on standard output.
            let short = fixture.folder + "/short.txt", planFile = fixture.folder + "/never.json"
            try "w1 w2 w3".write(toFile: short, atomically: true, encoding: .utf8)
            for option in ["--calibration-text", "--text"] {
                try fixture.assertOneSentence(["plan", model, "--target-params", "80%lin", "--out", planFile, option, short, "--seq-len", "16"]
                                              + (option == "--text" ? ["--measure"] : []), naming: "short.txt", mentions: "fewer than one window of 16")
                XCTAssertFalse(FileManager.default.fileExists(atPath: planFile), option)
            }
            try fixture.assertOneSentence(["plan", model, "--target-params", "80%lin", "--measure", "--text", fixture.folder + "/missing.txt"],
                                          naming: "missing.txt", mentions: "no such file")
        }
    }

    /// Ctrl-C after the original was measured: one line naming the plan it stopped in, exit 130,
    /// nothing on standard output, the plan file written before the model ran complete.
    func testCtrlCWhileMeasuringPrintsNothingAndExits130() throws {
        try EvalFixture.with { fixture in
            // 40,000 tokens: 2,500 windows of 16, about a second per model in a debug build.
            let text = fixture.folder + "/long.txt", plan = fixture.folder + "/plan.json"
            let words = (0..<40_000).map { "w\(1 + ($0 * 7) % 49)" }
            try stride(from: 0, to: words.count, by: 12).map { words[$0..<min($0 + 12, words.count)].joined(separator: " ") }
                .joined(separator: "\n").write(toFile: text, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Harness.binary)
            process.arguments = ["plan", fixture.model("gpt2"), "--target-params", "80%lin", "--out", plan, "--measure", "--text", text, "--seq-len", "16"]
            process.environment = ProcessInfo.processInfo.environment.merging(["XDG_CACHE_HOME": fixture.cache]) { $1 }
            let output = Pipe(), errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            var message = Data()
            while !String(decoding: message, as: UTF8.self).contains("the original took") {
                let chunk = errors.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                message += chunk
            }
            process.interrupt()
            message += errors.fileHandleForReading.readDataToEndOfFile()
            let printed = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let lines = String(decoding: message, as: UTF8.self).split(separator: "\n")
            XCTAssertEqual(process.terminationStatus, 130, "\(lines)")
            XCTAssertTrue(printed.isEmpty, String(decoding: printed, as: UTF8.self))
            let last = String(try XCTUnwrap(lines.last))
            XCTAssertTrue(last.hasPrefix("rankscope: interrupted ") && last.contains("the uniform plan"), last)
            XCTAssertTrue(last.contains("the original was measured") || last.contains("the original's perplexity over all 2500 windows is "), last)
            XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: plan))), "the plan file is whole")
        }
    }
}
