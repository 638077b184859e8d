import Foundation
import PythonOracle
import XCTest

/// The allocator's default rule (relative errors, the `auto` floor: half the uniform rank at mild cuts)
/// against uniform ranks on a real model, measured: all-MiniLM-L6-v2 at 90% of its linear parameters
/// (plain SVD, the unused pooler excluded), embedding cosine to the original over 16 sentences; at 50%
/// (where the allocation lost to uniform ranks, docs/evaluation.md) the default is the uniform plan.
final class AllocationRealModelTests: XCTestCase {
    func testDefaultAllocationBeatsUniformRanksOnMiniLM() throws {
        let (model, folder, text) = try miniLMWorkspace(sentences: 16)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let base = folder + "/base.json"
        try #"{"format": "rankscope-plan", "version": 1, "rules": [{"match": "^pooler\\.", "exclude": true}]}"#
            .write(toFile: base, atomically: true, encoding: .utf8)
        let cache = folder + "/cache"
        /// `plan --target-params target`, writing the allocated and the uniform plan.
        func planned(_ target: String, out: String, uniform: String) throws -> Harness.Outcome {
            let outcome = try Harness.rankscope(["plan", model.path, "--plan", base, "--target-params", target, "--out", out,
                                                 "--out-uniform", uniform], cacheHome: cache)
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            return outcome
        }
        let allocated = folder + "/allocated.json", uniform = folder + "/uniform.json"
        let plan = try planned("90%lin", out: allocated, uniform: uniform)
        XCTAssertTrue(plan.stdout.contains("in the allocator's proxy (RMS of the matrices' relative errors"), plan.stdout)

        func cosine(_ planFile: String) throws -> Double {
            let outcome = try Harness.rankscope(["eval", model.path, "--text", text, "--plan", planFile, "--json"], cacheHome: cache)
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            let report = try XCTUnwrap(Harness.json(outcome.stdout) as? [String: Any])
            return try XCTUnwrap((report["agreement"] as? [String: Any])?["mean_cosine"] as? Double)
        }
        let byAllocation = try cosine(allocated), byUniform = try cosine(uniform)
        print("all-MiniLM-L6-v2 at 90%lin, plain: allocated cosine \(byAllocation), uniform \(byUniform)")
        XCTAssertGreaterThan(byAllocation, byUniform + 0.05, "the default allocation keeps the embeddings closer than uniform ranks")

        let deep = folder + "/deep.json", deepUniform = folder + "/deep-uniform.json"
        let half = try planned("50%lin", out: deep, uniform: deepUniform)
        XCTAssertTrue(half.stdout.contains("without a sensitivity profile this cut gets uniform ranks; `rankscope sensitivity`"), half.stdout)
        func overrides(_ path: String) throws -> NSDictionary {
            let saved = try XCTUnwrap(Harness.json(String(contentsOfFile: path, encoding: .utf8)) as? [String: Any])
            return try XCTUnwrap(saved["overrides"] as? NSDictionary)
        }
        XCTAssertEqual(try overrides(deep), try overrides(deepUniform), "at 50%lin the default plan is the uniform plan")
    }

    /// `plan --sensitivity` with a size target allocates for the least predicted loss: the rule says so, and the
    /// predicted increase of the allocation is at most the uniform plan's, by the same profile.
    func testASensitivityProfileAllocatesForPredictedLoss() throws {
        let (model, folder, text) = try miniLMWorkspace(sentences: 4)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cache = folder + "/cache", profile = folder + "/profile.json"
        let measured = try Harness.rankscope(["sensitivity", model.path, "--text", text, "--out", profile, "--ranks", "0.5,0.25"], cacheHome: cache)
        XCTAssertEqual(measured.status, 0, measured.stderr)
        // By default the allocator reads each increase 2 probe standard errors up (CautiousLoss); --noise-margin 0 reads it as it is.
        for (margin, loss) in [(nil, "1 − embedding cosine (read 2 probe standard errors up)"), ("0", "1 − embedding cosine")] {
            let plan = try Harness.rankscope(["plan", model.path, "--target-params", "75%lin", "--sensitivity", profile] + (margin.map { ["--noise-margin", $0] } ?? []),
                                             cacheHome: cache)
            XCTAssertEqual(plan.status, 0, plan.stderr)
            XCTAssertTrue(plan.stdout.contains("rule: minimise the predicted \(loss) increase;"), plan.stdout)
            let line = try XCTUnwrap(plan.stdout.split(separator: "\n").first { $0.contains("predicted \(loss) increase (each matrix as if alone, combined") }, plan.stdout)
            let figures = line.split(separator: ":").last!.split(separator: ",").map { $0.split(separator: " ").last.flatMap { Double($0) } }
            let allocated = try XCTUnwrap(figures.first ?? nil), uniform = try XCTUnwrap(figures.last ?? nil)
            XCTAssertLessThan(allocated, uniform, String(line))
            XCTAssertTrue(line.contains("37 of 37 free matrices from the profile"), String(line))
        }
        let bad = try Harness.rankscope(["plan", model.path, "--target-params", "75%lin", "--sensitivity", profile, "--noise-margin=-1"], cacheHome: cache)
        XCTAssertNotEqual(bad.status, 0, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("--noise-margin must be a number of standard errors, 0 or more"), bad.stderr)
    }

    /// `plan --calibration-text` on a real model: the odd sentences of the evaluation set calibrate,
    /// the even ones judge. At 75%lin (plain SVD, pooler excluded) each plan's calibrated cosine is
    /// within 0.02 of what `--measure` then measures on the held-out sentences (issue 15's bar; on
    /// this split 0.005 for the uniform plan and 0.015 for the allocated one).
    func testCalibratedCosineIsWithinTwoHundredthsOfHeldOutOnMiniLM() throws {
        let (model, folder, text) = try miniLMWorkspace(sentences: 64)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let lines = try String(contentsOfFile: text, encoding: .utf8).split(separator: "\n")
        let calibration = folder + "/odd.txt", heldOut = folder + "/even.txt"
        try stride(from: 0, to: lines.count, by: 2).map { lines[$0] }.joined(separator: "\n").write(toFile: calibration, atomically: true, encoding: .utf8)
        try stride(from: 1, to: lines.count, by: 2).map { lines[$0] }.joined(separator: "\n").write(toFile: heldOut, atomically: true, encoding: .utf8)
        let base = folder + "/base.json"
        try #"{"format": "rankscope-plan", "version": 1, "rules": [{"match": "^pooler\\.", "exclude": true}]}"#
            .write(toFile: base, atomically: true, encoding: .utf8)
        let outcome = try Harness.rankscope(["plan", model.path, "--plan", base, "--target-params", "75%lin", "--calibration-text", calibration,
                                             "--measure", "--text", heldOut, "--json"], cacheHome: folder + "/cache")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let report = try XCTUnwrap(Harness.json(outcome.stdout) as? [String: Any])
        let rows = try XCTUnwrap(report["comparison"] as? [[String: Any]])
        XCTAssertEqual(rows.count, 2)
        for row in rows {
            let calibrated = try XCTUnwrap((row["calibrated"] as? [String: Any])?["embedding_cosine"] as? Double, "\(row)")
            let measured = try XCTUnwrap((row["measured"] as? [String: Any])?["mean_cosine"] as? Double, "\(row)")
            print("all-MiniLM-L6-v2 at 75%lin, plain, \(row["strategy"]!): calibrated cosine \(calibrated), held out \(measured)")
            XCTAssertEqual(calibrated, measured, accuracy: 0.02, "\(row["strategy"]!)")
            XCTAssertLessThan(measured, 0.9, "a cut deep enough that the figure says something")
        }
    }

    /// all-MiniLM-L6-v2's folder, a new scratch folder (the caller removes it) and a text file in it holding the
    /// first `sentences` evaluation sentences; skips the test when the model cannot be fetched.
    private func miniLMWorkspace(sentences: Int) throws -> (model: URL, folder: String, text: String) {
        let model: URL, texts: URL
        do {
            (model, texts) = (try TestModels.folder(TestModels.miniLM), try TestModels.folder(TestModels.texts))
        } catch let unavailable as TestModels.Unavailable {
            throw XCTSkip(unavailable.description)
        }
        let folder = NSTemporaryDirectory() + "rankscope-allocation-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let lines = try String(contentsOf: texts.appendingPathComponent("sentences.txt"), encoding: .utf8).split(separator: "\n")
        let text = folder + "/sentences.txt"
        try lines.prefix(sentences).joined(separator: "\n").write(toFile: text, atomically: true, encoding: .utf8)
        return (model, folder, text)
    }
}
