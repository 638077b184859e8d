import Explorer
import Foundation
import Planning
import TerminalUI
import XCTest

/// The measure key (`v`) with a stand-in for `rankscope eval`: a shell script printing protocol
/// lines (the runner appends the real arguments, which it records, and the script keeps a copy of
/// the plan file it was given).
final class ExplorerMeasureTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "rankscope-measure-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// An evaluator whose "rankscope eval" is `script`, with the arguments written to `args.txt`
    /// and the plan copied to `plan-N.json` (N counting the runs).
    private func evaluator(_ script: String) -> EvaluationRunner {
        let record = "printf '%s\\n' \"$@\" > '\(directory)/args.txt'; n=$(ls '\(directory)' | grep -c '^plan-'); "
            + "for a in \"$@\"; do case $a in --plan=*) cp \"${a#--plan=}\" '\(directory)'/plan-$n.json;; esac; done; "
        return EvaluationRunner(command: ["/bin/sh", "-c", record + script, "sh"], textPath: directory + "/text.txt")
    }

    private func app(_ evaluator: EvaluationRunner?, sensitivity: SensitivityProfile? = nil, width: Int = 100,
                     height: Int = 30) throws -> (ExplorerApp, InMemoryBackend) {
        let backend = InMemoryBackend(width: width, height: height)
        let app = ExplorerApp(catalog: try ExplorerFixture.catalog(), backend: backend, cache: nil, workers: 2, evaluator: evaluator,
                              sensitivity: sensitivity)
        XCTAssertTrue(app.waitForSpectra(timeout: 60))
        return (app, backend)
    }

    private func screen(_ backend: InMemoryBackend) -> String { backend.lines().joined(separator: "\n") }

    /// `tui --seq-len/--max-tokens` reach the measure key's eval, and survive switching to data-aware.
    func testWindowOptionsArePassedToEval() {
        let runner = EvaluationRunner(command: ["rankscope", "eval"], textPath: "t.txt", sequenceLength: 128, maximumTokens: 256)
        XCTAssertEqual(runner.with(statisticsPath: "s.safetensors").arguments(checkpoint: "m", planPath: "p.json"),
                       ["--text=t.txt", "--plan=p.json", "--stats=s.safetensors", "--seq-len=128", "--max-tokens=256", "--events", "--", "m"])
        XCTAssertEqual(EvaluationRunner(command: [], textPath: "t.txt").arguments(checkpoint: "m", planPath: "p.json"),
                       ["--text=t.txt", "--plan=p.json", "--events", "--", "m"])
    }

    static func finishedScript(_ perplexity: Double) -> String {
        """
        echo '{"event":"started","metric":"perplexity","candidate":"plan p"}'
        echo '{"event":"compressing"}'
        echo '{"event":"compressing","completed":1,"total":1}'
        echo '{"event":"progress","model":"original","completed":1,"total":2}'
        echo '{"event":"something_new","x":1}'
        echo '{"event":"progress","model":"candidate","completed":2,"total":2}'
        echo '{"event":"finished","metric":"perplexity","original":20.7,"candidate":\(perplexity),"linear_parameters":1000,"candidate_linear_parameters":600,"seconds":1.5}'
        """
    }

    func testVMeasuresThePlanInTheBackgroundAndKeepsEachTry() throws {
        let profile = ExplorerQualityTests.profile()
        let (app, backend) = try app(evaluator(ExplorerMeasureTests.finishedScript(88.6)), sensitivity: profile)
        defer { app.finish() }
        app.handle(.character("v"))
        XCTAssertEqual(app.state.statusText, "The plan keeps every layer as stored: choose ranks or bits first.")
        XCTAssertTrue(app.state.measurements.isEmpty)

        ExplorerScreens.type(app, [.character("=")])
        ExplorerScreens.type(app, text: "6")
        ExplorerScreens.type(app, [.enter, .character("v")])
        XCTAssertEqual(app.state.viewMode, .jobs)
        XCTAssertTrue(app.waitForMeasurement(timeout: 30))
        let first = try XCTUnwrap(app.state.measurements.first)
        XCTAssertEqual(first.measured, MeasuredQuality(originalPerplexity: 20.7, perplexity: 88.6, linearParameters: 600, seconds: 1.5))
        let predicted = try XCTUnwrap(first.predicted?.perplexity)
        XCTAssertEqual(predicted, exp(3.0 + 0.1), accuracy: 1e-9, "the probe at rank 6 of 0 up_proj is read exactly")
        // Predicted beside measured: the profile's increase on the original measured in the same run, 20.7·e^0.1 = 22.88.
        XCTAssertEqual(try XCTUnwrap(first.predictedPerplexity), 20.7 * exp(0.1), accuracy: 1e-9)
        XCTAssertEqual(app.state.statusText, "Measured 1 low-rank r6: perplexity 88.6 (original 20.7; predicted 22.9).")
        var text = screen(backend)
        XCTAssertTrue(text.contains("Measured plans: perplexity"), text)
        XCTAssertTrue(text.contains("#1 1 low-rank r6"), text)
        XCTAssertTrue(text.contains("pred 22.9  meas 88.6"), text)

        // What the child got: the text, the plan (the explorer's own plan document), --events, then the checkpoint.
        let arguments = try String(contentsOfFile: directory + "/args.txt", encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(arguments.count, 5, "\(arguments)")
        XCTAssertEqual(arguments[0], "--text=" + directory + "/text.txt")
        XCTAssertTrue(arguments[1].hasPrefix("--plan="), "\(arguments)")
        XCTAssertEqual(Array(arguments[2...]), ["--events", "--", app.state.title])
        XCTAssertFalse(FileManager.default.fileExists(atPath: String(arguments[1].dropFirst(7))), "the temporary plan is removed")
        let sent = try String(contentsOfFile: directory + "/plan-0.json", encoding: .utf8)
        XCTAssertEqual(sent, app.state.planDocument(file: "any").text)
        XCTAssertEqual(first.planKey, sent)

        // The same plan again: not run again, its figures are repeated.
        app.handle(.character("v"))
        XCTAssertEqual(app.state.statusText, "This plan was measured already: perplexity 88.6 (original 20.7; predicted 22.9).")
        XCTAssertEqual(app.state.measurements.count, 1)

        // Another plan: a second try, listed above the first.
        ExplorerScreens.type(app, [.character("j"), .character("e"), .character("v")])
        XCTAssertTrue(app.waitForMeasurement(timeout: 30))
        XCTAssertEqual(app.state.measurements.count, 2)
        XCTAssertNotEqual(app.state.measurements[1].planKey, first.planKey)
        text = screen(backend)
        let second = try XCTUnwrap(text.range(of: "#2 2 low-rank r6–7"), text)
        let firstRow = try XCTUnwrap(text.range(of: "#1 1 low-rank r6"), text)
        XCTAssertLessThan(second.lowerBound, firstRow.lowerBound, "latest first")
    }

    func testFailuresAndCancellingReachTheStatusLine() throws {
        var (app, _) = try app(evaluator(#"echo '{"event":"failed","message":"t.txt: no such file."}'; exit 1"#))
        ExplorerScreens.type(app, [.character("e"), .character("v")])
        XCTAssertTrue(app.waitForMeasurement(timeout: 30))
        XCTAssertEqual(app.state.statusText, "Measurement failed: t.txt: no such file.")
        XCTAssertEqual(app.state.measurements.last?.phase, .failed("t.txt: no such file."))
        app.finish()

        (app, _) = try self.app(evaluator("exit 3"))
        ExplorerScreens.type(app, [.character("e"), .character("v")])
        XCTAssertTrue(app.waitForMeasurement(timeout: 30))
        XCTAssertEqual(app.state.statusText, "Measurement failed: rankscope eval stopped with exit status 3 before finishing.")
        // A failed try is replaced by the next run of the same plan.
        app.handle(.character("v"))
        XCTAssertTrue(app.waitForMeasurement(timeout: 30))
        XCTAssertEqual(app.state.measurements.count, 1)
        app.finish()

        let running = #"echo '{"event":"started","metric":"perplexity"}'; echo '{"event":"progress","model":"candidate","completed":1,"total":2}'; exec sleep 30"#
        var backend: InMemoryBackend
        (app, backend) = try self.app(evaluator(running))
        defer { app.finish() }
        ExplorerScreens.type(app, [.character("e"), .character("v")])
        let deadline = Date().addingTimeInterval(10)
        while app.state.runningMeasurement?.phase != .running(model: "candidate", completed: 1, total: 2) && Date() < deadline {
            app.step(timeout: 10)
        }
        XCTAssertTrue(backend.lines().last?.contains("eval 3/4") == true, "the status gauge: the original's 2 passes and 1 of the candidate's\n"
                      + screen(backend))
        app.handle(.character("v"))
        XCTAssertEqual(app.state.statusText, "A measurement is already running (5 shows it, C cancels it).")
        app.handle(.character("C"))
        // The key says it is cancelling; the child may already be gone by the time the key's
        // redraw folds in its end (seen under load), which says so instead.
        XCTAssertTrue(["Cancelling the measurement.", "Measurement cancelled."].contains(app.state.statusText), app.state.statusText)
        XCTAssertTrue(app.waitForMeasurement(timeout: 30))
        XCTAssertEqual(app.state.measurements.last?.phase, .cancelled)
        XCTAssertEqual(app.state.statusText, "Measurement cancelled.")
        app.handle(.character("C"))
        XCTAssertEqual(app.state.statusText, "Nothing is running: no compression job, no measurement.")
    }

    func testWithoutATextTheKeySaysWhatIsNeeded() throws {
        let (app, backend) = try app(nil)
        defer { app.finish() }
        ExplorerScreens.type(app, [.character("e"), .character("v")])
        XCTAssertEqual(app.state.statusText,
                       "Measuring needs an evaluation text: open the explorer with --text FILE (and --sensitivity PROFILE to predict).")
        XCTAssertTrue(app.state.measurements.isEmpty)
        app.handle(.character("5"))
        XCTAssertTrue(screen(backend).contains("No compression job yet"), "the jobs view stays the compression job's")
    }

    func testTheReducerAsksForTheEffectAndDoesNoIO() throws {
        var state = ExplorerState(catalog: try ExplorerFixture.catalog())
        state.expectMeasurements(textPath: "/t.txt")
        state.reduce(.typeRank)
        for key in "4" { state.press(.character(key)) }
        state.press(.enter)
        let update = state.reduce(.measure)
        XCTAssertEqual(update.effects, [.measurePlan(state.planDocument(file: "explorer plan"))])
        XCTAssertEqual(state.runningMeasurement?.summary, "1 low-rank r4")
        XCTAssertEqual(state.reduce(.cancelJob).effects, [.cancelMeasurement])
        state.receive(EvaluationRunner.Message.exited(15))
        XCTAssertEqual(state.measurements.last?.phase, .cancelled)
        state.receive(EffectResult.measurementNotStarted(reason: "no such program."))
        XCTAssertEqual(state.statusText, "Measurement failed: no such program.")
    }

    func testProtocolLinesParseAndFold() {
        XCTAssertEqual(EvaluationLine(#"{"event":"compressing"}"#), .compressing(completed: 0, total: 0))
        XCTAssertEqual(EvaluationLine(#"{"event":"compressing","completed":2,"total":9}"#), .compressing(completed: 2, total: 9))
        XCTAssertEqual(EvaluationLine(#"{"event":"progress","model":"candidate","completed":3,"total":8}"#),
                       .progress(model: "candidate", completed: 3, total: 8))
        XCTAssertEqual(EvaluationLine(#"{"event":"finished","metric":"embedding","original":null,"candidate":null,"mean_cosine":0.93,"min_cosine":0.5,"linear_parameters":10,"candidate_linear_parameters":6,"seconds":2}"#),
                       .finished(MeasuredQuality(meanCosine: 0.93, linearParameters: 6, seconds: 2)))
        XCTAssertNil(EvaluationLine(#"{"event":"finished","metric":"perplexity","original":3}"#), "a finish without a figure")
        XCTAssertNil(EvaluationLine(#"{"event":"progress","model":"original"}"#))
        XCTAssertNil(EvaluationLine("not json"))
        var measurement = Measurement(planKey: "k", summary: "s", parameters: 1, bytes: 2, predicted: nil, startedAt: Date())
        XCTAssertEqual(measurement.fraction, 0)
        measurement.apply(.compressing(completed: 0, total: 0))
        XCTAssertEqual(measurement.fraction, 0)
        measurement.apply(.compressing(completed: 3, total: 4))
        XCTAssertEqual(measurement.fraction, 0.25, accuracy: 1e-12)
        measurement.apply(.progress(model: "original", completed: 1, total: 4))
        XCTAssertEqual(measurement.fraction, 1.0 / 3 + 1.0 / 12, accuracy: 1e-12)
        measurement.apply(.progress(model: "candidate", completed: 2, total: 4))
        XCTAssertEqual(measurement.fraction, 5.0 / 6, accuracy: 1e-12)
        measurement.apply(.finished(MeasuredQuality(perplexity: 5)))
        measurement.apply(.failed(message: "late"))
        measurement.exited(status: 1)
        XCTAssertEqual(measurement.measured?.perplexity, 5, "nothing after the finish changes it")
        XCTAssertEqual(Measurement.summary(of: [.keep, .lowRank(rank: 9), .lowRank(rank: 3), .dense(bits: 4)]),
                       "2 low-rank r3–9, 1 dense quantized")
    }

    /// The pane at two widths: a table with every column, and two lines per try when narrow.
    func testMeasurementsPaneSnapshots() {
        let name = "model.layers.0.mlp.up_proj.weight"
        let sigmas = (0..<12).map { pow(2.0, -Double($0) / 2) }
        let predicted = QualityPrediction(profile: ExplorerQualityTests.profile(), singularValues: [name: sigmas])
            .predict([name: .lowRank(rank: 6)])
        XCTAssertEqual(predicted.loss, 3.1, accuracy: 1e-12)
        var done = Measurement(planKey: "a", summary: "4 low-rank r6–7", parameters: 1_234, bytes: 2_048, predicted: predicted,
                               startedAt: Date())
        done.apply(.finished(MeasuredQuality(originalPerplexity: 20.7, perplexity: 25.04)))
        var running = Measurement(planKey: "b", summary: "2 low-rank r3", parameters: 900, bytes: 1_500, predicted: nil, startedAt: Date())
        running.apply(.progress(model: "candidate", completed: 1, total: 2))
        let pane = MeasurementsPane(measurements: [done, running], textPath: "t.txt")
        var wide = CellBuffer(width: 70, height: 7)
        pane.render(into: &wide, area: wide.area)
        XCTAssertEqual(wide.lines(), [
            "┌─Measured plans: perplexity─────────────────────────────────────────┐",
            "│ #2 candidate model 1/2                                             │",
            "│ ███████████████████████████████83%█████████████████████            │",
            "│ plan                           params     size predicted  measured │",
            "│ #2 2 low-rank r3                  900  1.46KiB         —     … 83% │",
            "│ #1 4 low-rank r6–7               1.2K     2KiB      22.9      25.0 │",
            "└────────────────────────────────────────────────────────────────────┘",
        ])
        var narrow = CellBuffer(width: 36, height: 9)
        pane.render(into: &narrow, area: narrow.area)
        XCTAssertEqual(narrow.lines(), [
            "┌─Measured plans: perplexity───────┐",
            "│ #2 candidate model 1/2           │",
            "│ ██████████████83%█████████▋      │",
            "│ #2 2 low-rank r3                 │",
            "│   900  pred —  meas … 83%        │",
            "│ #1 4 low-rank r6–7               │",
            "│   1.2K  pred 22.9  meas 25.0     │",
            "│                                  │",
            "└──────────────────────────────────┘",
        ])
        for (width, height) in [(0, 0), (1, 1), (2, 2), (5, 3)] {
            var tiny = CellBuffer(width: width, height: height)
            pane.render(into: &tiny, area: tiny.area)
        }
    }

    /// With standard errors and a matrix cut below its lowest probe, each try shows the predicted
    /// range (read on the original measured in the same run, as the predicted figure is) and the
    /// extrapolated count beside the predicted figure, and marks where the measurement fell: a
    /// table when wide (the size gives way first), two or three lines a try when narrow.
    func testMeasurementsPaneShowsThePredictedRangeAndTheExtrapolatedCount() throws {
        let (up, q) = ("model.layers.0.mlp.up_proj.weight", "model.layers.0.self_attn.q_proj.weight")
        let sigmas = (0..<12).map { pow(2.0, -Double($0) / 2) }
        let predicted = QualityPrediction(profile: ExplorerQualityTests.profile(standardError: 0.05), singularValues: [up: sigmas, q: sigmas])
            .predict([up: .lowRank(rank: 6), q: .lowRank(rank: 2)])
        XCTAssertEqual(predicted.extrapolated, [q], "q_proj at rank 2 is below its rank-3 probe")
        let range = try XCTUnwrap(predicted.onOriginalLoss(log(20.7)).figureRange())
        XCTAssertEqual(range.upperBound, 20.7 * exp(predicted.lossIncrease + 2 * predicted.increaseStandardError!), accuracy: 1e-9)
        func finished(_ key: String, _ perplexity: Double, summary: String = "2 low-rank r2–6") -> Explorer.Measurement {
            var measurement = Explorer.Measurement(planKey: key, summary: summary, parameters: 1_234, bytes: 2_048, predicted: predicted,
                                          startedAt: Date())
            measurement.apply(.finished(MeasuredQuality(originalPerplexity: 20.7, perplexity: perplexity)))
            return measurement
        }
        let inside = finished("a", (range.lowerBound + range.upperBound) / 2), above = finished("b", 88.6)
        let below = finished("c", range.lowerBound * 0.9)
        XCTAssertEqual([inside, above, below].map(\.measuredAgainstRange), [.inside, .above, .below])
        var running = Measurement(planKey: "d", summary: "1 low-rank r3", parameters: 900, bytes: 1_500, predicted: predicted, startedAt: Date())
        running.apply(.compressing(completed: 1, total: 4))
        XCTAssertNil(running.measuredAgainstRange)
        let own = try XCTUnwrap(predicted.figureRange())
        XCTAssertEqual(MeasurementsPane.rangeCell(running), String(format: "%.1f–%.1f", own.lowerBound, own.upperBound), "before the end: on the profile's original")
        let pane = MeasurementsPane(measurements: [inside, above, below, running], textPath: "t.txt")
        for (width, height) in [(80, 9), (62, 9), (36, 16), (36, 6)] {
            var buffer = CellBuffer(width: width, height: height)
            pane.render(into: &buffer, area: buffer.area)
            try PaneESDTests.assertSnapshot(buffer, named: "MeasurementsPane-range-\(width)x\(height)")
        }
        // A plan whose summary a table would cut keeps it whole on a line of its own.
        let wordy = MeasurementsPane(measurements: [inside, finished("e", 30, summary: "27 low-rank r72–223, 4 dense quantized")], textPath: "t.txt")
        for (width, height) in [(80, 5), (70, 7)] {
            var buffer = CellBuffer(width: width, height: height)
            wordy.render(into: &buffer, area: buffer.area)
            try PaneESDTests.assertSnapshot(buffer, named: "MeasurementsPane-range-long-plan-\(width)x\(height)")
        }
        for (width, height) in [(0, 0), (1, 1), (2, 2), (5, 3), (12, 4)] {
            var tiny = CellBuffer(width: width, height: height)
            pane.render(into: &tiny, area: tiny.area)
        }
    }

    /// The status line after a try says the predicted range and the extrapolated count too.
    func testTheFinishedStatusNamesThePredictedRange() throws {
        let (app, backend) = try app(evaluator(ExplorerMeasureTests.finishedScript(88.6)), sensitivity: ExplorerQualityTests.profile(standardError: 0.05))
        defer { app.finish() }
        ExplorerScreens.type(app, [.character("=")])
        ExplorerScreens.type(app, text: "6")
        ExplorerScreens.type(app, [.enter, .character("v")])
        XCTAssertTrue(app.waitForMeasurement(timeout: 30))
        let measurement = try XCTUnwrap(app.state.measurements.first)
        let ends = try XCTUnwrap(measurement.comparedPrediction?.figureRange())
        let range = String(format: "%.1f–%.1f", ends.lowerBound, ends.upperBound)
        XCTAssertEqual(MeasurementsPane.rangeCell(measurement), range)
        // Shrunk toward its role with a standard error, the probe's increase is no longer read exactly.
        let predicted = String(format: "%.1f", try XCTUnwrap(measurement.predictedPerplexity))
        XCTAssertEqual(app.state.statusText, "Measured 1 low-rank r6: perplexity 88.6 (original 20.7; predicted \(predicted), ±2 SE \(range)).")
        XCTAssertEqual(measurement.measuredAgainstRange, .above)
        XCTAssertTrue(screen(backend).contains("#1 1 low-rank r6"), screen(backend))
        XCTAssertTrue(screen(backend).contains("  pred \(predicted) (\(range))  meas 88.6 ↑"), screen(backend))
    }
}
