import Explorer
import Foundation
import TerminalUI
import XCTest

/// The compression job from the explorer, with a stand-in for `rankscope compress`: a shell
/// script printing protocol lines (the runner appends the real arguments, which it records).
final class ExplorerJobTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "rankscope-jobs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A runner whose "rankscope compress" is `script`, with the arguments written to `args.txt`.
    private func runner(_ script: String) -> CompressionRunner {
        CompressionRunner(command: ["/bin/sh", "-c", "printf '%s\\n' \"$@\" > '\(directory)/args.txt'; " + script, "sh"])
    }

    private func app(_ runner: CompressionRunner?) throws -> (ExplorerApp, InMemoryBackend) {
        let backend = InMemoryBackend(width: 100, height: 30)
        let app = ExplorerApp(catalog: try ExplorerFixture.catalog(), backend: backend, cache: nil, workers: 2, runner: runner)
        XCTAssertTrue(app.waitForSpectra(timeout: 60))
        return (app, backend)
    }

    private func screen(_ backend: InMemoryBackend) -> String { backend.lines().joined(separator: "\n") }

    private static let finishedScript = """
        echo '{"event":"started","layers":2,"resumed":0,"output":"out"}'
        echo '{"event":"layer_started","name":"model.layers.0.mlp.up_proj.weight","ordinal":0}'
        echo '{"event":"something_new","x":1}'
        echo '{"event":"layer_finished","name":"model.layers.0.mlp.up_proj.weight","completed":1,"total":2,"measured_relative_error":0.0123,"estimated_relative_error":0.012,"bytes":100,"seconds":0.5}'
        echo '{"event":"layer_finished","name":"model.layers.1.mlp.up_proj.weight","completed":2,"total":2,"measured_relative_error":0.0456,"estimated_relative_error":null,"bytes":100,"seconds":0.5}'
        echo '{"event":"writing_shard","name":"model.safetensors","index":1,"count":1}'
        echo '{"event":"finished","output":"out","report":"out/rankscope-report.json","layers":2,"bytes_before":2000000,"bytes":1500000,"seconds":1.0}'
        """

    func testAJobRunsInTheBackgroundAndReportsEachLayer() throws {
        let (app, backend) = try app(runner(ExplorerJobTests.finishedScript))
        defer { app.finish() }
        app.handle(.character("c"))
        XCTAssertTrue(screen(backend).contains("The plan keeps every layer as stored"), "nothing to compress yet")
        ExplorerScreens.type(app, [.character("e"), .character("c")])
        let folder = app.state.defaultOutputFolder
        XCTAssertTrue(screen(backend).contains("compress into folder: " + folder), screen(backend))
        XCTAssertTrue(folder.hasSuffix("/model-compressed"), folder)
        app.handle(.enter)
        XCTAssertEqual(app.state.viewMode, .jobs)
        XCTAssertTrue(app.waitForJob(timeout: 30))
        let text = screen(backend)
        // 2 000 000 and 1 500 000 bytes in binary units: 1.907… MiB and 1.430… MiB.
        let sizes = String(format: "%.3gMiB → %.3gMiB", 2e6 / 1_048_576, 1.5e6 / 1_048_576)
        XCTAssertEqual(app.state.statusText, "Compressed 2 layers into \(folder): \(sizes).")
        XCTAssertTrue(text.contains("Compressed 2 layers into"), text)
        XCTAssertEqual(app.state.statusTone, .ok)
        XCTAssertTrue(text.contains("done: " + sizes), text)
        XCTAssertTrue(text.contains("2/2"), text)
        // Latest first; the measured error beside the plan's estimate (— when unknown).
        let jobRows = backend.lines().map { String($0.dropFirst(55)) }.filter { $0.contains("mlp.up_proj") }
        XCTAssertEqual(jobRows.map { $0.split(separator: " ").filter { $0 != "│" }.joined(separator: " ") },
                       ["1 mlp.up_proj 4.56% —", "0 mlp.up_proj 1.23% 1.20%"], text)
        let arguments = try String(contentsOfFile: directory + "/args.txt", encoding: .utf8).split(separator: "\n").map(String.init)
        // Issue 21 (16): values joined to their options and the checkpoint after `--`, so a
        // folder named `-x` is never parsed as an option.
        XCTAssertEqual(arguments.count, 6, "\(arguments)")
        XCTAssertEqual(arguments.last, app.state.title)
        XCTAssertEqual(arguments[4], "--")
        XCTAssertEqual(arguments[1], "--out=" + folder)
        XCTAssertTrue(arguments[0].hasPrefix("--plan="), "\(arguments)")
    }

    func testAProcessThatDiesWithoutALineIsAFailureInTheStatusLine() throws {
        let (app, backend) = try app(runner("exit 3"))
        defer { app.finish() }
        ExplorerScreens.type(app, [.character("e"), .character("c"), .enter])
        XCTAssertTrue(app.waitForJob(timeout: 30))
        XCTAssertTrue(screen(backend).contains("Compression failed: rankscope compress stopped with exit status 3"), screen(backend))
        XCTAssertEqual(app.state.statusTone, .error)
    }

    func testAFailedLineIsShownAsItsSentence() throws {
        let script = #"echo '{"event":"failed","message":"/x/model.safetensors: disk full."}'; exit 1"#
        let (app, backend) = try app(runner(script))
        defer { app.finish() }
        ExplorerScreens.type(app, [.character("e"), .character("c"), .enter])
        XCTAssertTrue(app.waitForJob(timeout: 30))
        XCTAssertTrue(screen(backend).contains("Compression failed: /x/model.safetensors: disk full."), screen(backend))
        XCTAssertTrue(screen(backend).contains("failed: /x/model.safetensors"), "the jobs pane says it too")
    }

    func testCancelStopsTheJobAndQuittingWhileRunningAsksFirst() throws {
        let script = #"trap 'echo "{\"event\":\"cancelled\",\"message\":\"stopped\"}"; exit 130' TERM; echo '{"event":"started","layers":4,"resumed":1,"output":"o"}'; while :; do sleep 0.05; done"#
        let (app, backend) = try app(runner(script))
        defer { app.finish() }
        ExplorerScreens.type(app, [.character("e"), .character("w"), .enter])  // saved: only the job makes q ask
        ExplorerScreens.type(app, [.character("c"), .enter])
        let deadline = Date().addingTimeInterval(30)
        while app.state.job?.total != 4 && Date() < deadline { app.step(timeout: 10) }
        XCTAssertEqual(app.state.job?.completed, 1, "the resumed layer counts as done")
        app.handle(.character("1"))
        XCTAssertTrue(backend.lines().last?.contains("job 1/4") == true, "the status line's gauge follows the job in any view:\n\(screen(backend))")
        app.handle(.character("q"))
        XCTAssertTrue(screen(backend).contains("Cancel the running job?"), screen(backend))
        app.handle(.escape)
        XCTAssertFalse(app.state.shouldQuit)
        app.handle(.character("C"))
        XCTAssertTrue(app.waitForJob(timeout: 30))
        XCTAssertTrue(screen(backend).contains("Compression cancelled after 1/4 layers"), screen(backend))
        XCTAssertEqual(app.state.statusTone, .warning)
        app.handle(.character("q"))
        XCTAssertTrue(app.state.shouldQuit, "nothing running, nothing unsaved: q quits")
    }

    func testWithoutARunnerTheKeySaysSo() throws {
        let (app, backend) = try app(nil)
        defer { app.finish() }
        ExplorerScreens.type(app, [.character("e"), .character("c"), .enter])
        XCTAssertTrue(screen(backend).contains("Compression failed: this explorer was opened without the compress command."), screen(backend))
    }

    func testProtocolLinesParse() {
        XCTAssertEqual(JobLine(#"{"event":"started","layers":3,"resumed":1,"output":"/o"}"#), .started(layers: 3, resumed: 1, output: "/o"))
        XCTAssertEqual(JobLine(#"{"event":"writing_shard","name":"a","index":2,"count":3}"#), .writingShard(index: 2, count: 3))
        XCTAssertEqual(JobLine(#"{"event":"cancelled","message":"m"}"#), .cancelled(message: "m"))
        XCTAssertNil(JobLine(#"{"event":"unknown"}"#))
        XCTAssertNil(JobLine("not json"))
        XCTAssertNil(JobLine(#"{"event":"started"}"#), "started without its layer count")
    }

    func testRateAndTimeLeftCountOnlyThisRunsLayers() {
        let start = Date(timeIntervalSince1970: 1000)
        var job = JobProgress(outputFolder: "o", startedAt: start)
        job.apply(.started(layers: 10, resumed: 2, output: "o"))
        XCTAssertNil(job.rate(at: start.addingTimeInterval(5)))
        for n in 3...4 {
            job.apply(.layerFinished(name: "l\(n)", completed: n, total: 10, measuredError: 0.1, estimatedError: 0.1, bytes: 1, seconds: 1))
        }
        // 2 layers in 4 s: 0.5 layers/s; 6 left: 12 s.
        XCTAssertEqual(job.rate(at: start.addingTimeInterval(4)) ?? 0, 0.5, accuracy: 1e-12)
        XCTAssertEqual(job.secondsLeft(at: start.addingTimeInterval(4)) ?? 0, 12, accuracy: 1e-9)
        XCTAssertEqual(job.fraction, 0.4, accuracy: 1e-12)
        XCTAssertEqual(JobsPane.duration(12), "12s")
        XCTAssertEqual(JobsPane.duration(185), "3m05s")
        XCTAssertEqual(JobsPane.duration(3720), "1h02m")
    }
}
