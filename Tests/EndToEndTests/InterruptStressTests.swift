import Foundation
import LinearAlgebra
import PythonOracle
import XCTest

/// Stops real runs at random moments — `spectra` by SIGINT, the explorer by `q` or SIGINT — while
/// workers are inside multi-threaded BLAS calls, and checks that every process ends with the
/// status a shell expects within a bound: never a hang. (Exiting while a worker was inside BLAS
/// made OpenBLAS's exit handler wait forever; see `BLASWorkers`.)
///
/// The matrices are 2048×5504 by default, one worker with every core's BLAS threads, so most
/// moments fall inside a BLAS or LAPACK call. Heavier runs for a report:
/// `INTERRUPT_RUNS=30 INTERRUPT_QUITS=6 INTERRUPT_SHAPE=4096x11008 swift test --skip-build --filter InterruptStressTests`;
/// `INTERRUPT_MAX_DELAY` (default 2 s) is the latest moment a process is stopped (raise it with
/// the shape, so moments reach the eigen-solve), `INTERRUPT_SEED` replays the moments a failed
/// run printed, `INTERRUPT_HANG_SECONDS` (default 120) is how long a stopped process may take
/// before it counts as hung.
final class InterruptStressTests: XCTestCase {
    private var directory = ""
    private let environment = ProcessInfo.processInfo.environment
    private lazy var seed = environment["INTERRUPT_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...999_999)
    private lazy var generator = SeededGenerator(seed: seed)
    private lazy var maxDelay = environment["INTERRUPT_MAX_DELAY"].flatMap(Double.init) ?? 2
    private lazy var hangLimit = environment["INTERRUPT_HANG_SECONDS"].flatMap(Double.init) ?? 120
    private lazy var shape: (rows: Int, columns: Int) = {
        let parts = (environment["INTERRUPT_SHAPE"] ?? "2048x5504").split(separator: "x").compactMap { Int($0) }
        return parts.count == 2 ? (parts[0], parts[1]) : (2048, 5504)
    }()
    /// The line that says a stop is waiting for the matrix in progress (`Termination`).
    private let notice = "rankscope: stopping: waiting for "

    override func setUpWithError() throws {
        directory = try Harness.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// `INTERRUPT_RUNS` (default 8) runs of `spectra` over six matrices, each sent SIGINT after
    /// a random delay: each must exit with 130 (or die of SIGINT, if the signal came before its
    /// handler was installed), say at most once that it waits for the matrix in progress (and
    /// only after waiting half a second), and keep the interrupted message.
    func testSpectraInterruptedAtRandomMomentsAlwaysExit130() throws {
        let runs = environment["INTERRUPT_RUNS"].flatMap(Int.init) ?? 8
        let checkpoint = try writeCheckpoint(matrices: 6, name: "six")
        let replay = "seed \(seed) (replay: INTERRUPT_SEED=\(seed) swift test --skip-build --filter InterruptStressTests)"
        var latest = maxDelay, waits: [Double] = [], beforeHandler = 0, noticed = 0
        for run in 0..<runs {
            let delay = Double.random(in: 0.05...max(0.05, latest), using: &generator)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Harness.binary)
            process.arguments = ["spectra", checkpoint, "--spectrum-threads", "1"]
            process.environment = environment.merging(["XDG_CACHE_HOME": directory + "/cache-\(run)"]) { $1 }
            let errorPath = directory + "/err-\(run)"
            _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
            let errors = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            let started = Date()
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            guard process.isRunning else {
                // Finished before the signal: interrupt the next runs earlier.
                latest = max(0.1, Date().timeIntervalSince(started) * 0.8)
                process.waitUntilExit()
                try errors.close()
                XCTAssertEqual(process.terminationStatus, 0, "run \(run) ended on its own with a failure; \(replay)")
                continue
            }
            kill(process.processIdentifier, SIGINT)
            let wait = waitForExit(process)
            try errors.close()
            let message = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            let context = "run \(run), SIGINT after \(String(format: "%.2f", delay)) s; \(replay)\n\(message)"
            guard let wait else {
                return XCTFail("hung: still running \(hangLimit) s after SIGINT (killed), \(context)")
            }
            waits.append(wait)
            if process.terminationReason == .uncaughtSignal {
                XCTAssertEqual(process.terminationStatus, SIGINT, context)
                beforeHandler += 1
                continue
            }
            XCTAssertEqual(process.terminationStatus, 130, context)
            XCTAssertTrue(message.contains("rankscope: interrupted after "), context)
            let notices = message.components(separatedBy: notice).count - 1
            XCTAssertLessThanOrEqual(notices, 1, "one notice at most, \(context)")
            if notices == 1 {
                noticed += 1
                XCTAssertGreaterThanOrEqual(wait, 0.5, "the notice comes after half a second of waiting, \(context)")
            }
            if wait > 5 { XCTAssertEqual(notices, 1, "a wait of \(wait) s is explained, \(context)") }
        }
        XCTAssertGreaterThanOrEqual(waits.count, runs * 3 / 4, "most runs were interrupted, not finished; \(replay)")
        let sorted = waits.sorted()
        print("InterruptStressTests: \(waits.count) of \(runs) spectra runs (\(shape.rows)×\(shape.columns)) interrupted, "
              + "\(beforeHandler) before the handler, \(noticed) with the waiting notice, 0 hangs; wait after SIGINT median "
              + String(format: "%.2f s, max %.2f s", sorted.isEmpty ? 0 : sorted[sorted.count / 2], sorted.last ?? 0) + "; \(replay)")
    }

    /// `INTERRUPT_QUITS` (default 4) explorers on one matrix (one worker, so its BLAS calls use
    /// every core), stopped by `q` or SIGINT in turn after a random delay: the terminal must be
    /// given back within 3 s, then the explorer must end with 0 or 130 within the bound, its
    /// terminal as before it started.
    func testQuittingTheExplorerMidComputationRestoresAtOnceThenExits() throws {
        let quits = environment["INTERRUPT_QUITS"].flatMap(Int.init) ?? 4
        let checkpoint = try writeCheckpoint(matrices: 1, name: "one")
        let replay = "seed \(seed) (replay: INTERRUPT_SEED=\(seed) swift test --skip-build --filter InterruptStressTests)"
        var restores: [Double] = [], exits: [Double] = [], waitedAfterRestore = 0
        for quit in 0..<quits {
            let byKey = quit % 2 == 0
            let run = directory + "/quit-\(quit)"
            try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
            let pane = try ExplorerPane(checkpoint: checkpoint, directory: run)
            defer { pane.close() }
            let delay = Double.random(in: 0.1...max(0.1, maxDelay), using: &generator)
            Thread.sleep(forTimeInterval: delay)
            let pid = try XCTUnwrap(pane.pid(), "the wrapper never wrote the explorer's pid")
            let stopped = Date()
            if byKey { try pane.server.run(["send-keys", "-t", pane.target, "q"]) } else { kill(pid, SIGINT) }
            let context = "quit \(quit) by \(byKey ? "q" : "SIGINT") after \(String(format: "%.2f", delay)) s; \(replay)"
            var restored: Double?
            let deadline = stopped.addingTimeInterval(hangLimit)
            while Date() < deadline {
                if restored == nil, try pane.server.display("#{alternate_on}", in: pane.target) == "0" {
                    restored = Date().timeIntervalSince(stopped)
                    if pane.isRunning { waitedAfterRestore += 1 }
                }
                if !pane.isRunning { break }
                Thread.sleep(forTimeInterval: 0.05)
            }
            let exited = Date().timeIntervalSince(stopped)
            guard let status = pane.exitStatus(timeout: 0) else {
                kill(pid, SIGKILL)
                return XCTFail("hung: the explorer still ran \(hangLimit) s after being stopped (killed), \(context)\n\(pane.shown)")
            }
            XCTAssertEqual(status, byKey ? 0 : 130, context)
            if restored == nil, try pane.server.display("#{alternate_on}", in: pane.target) == "0" { restored = exited }
            let restore = try XCTUnwrap(restored, "the alternate screen was never left, \(context)")
            XCTAssertLessThan(restore, 3, "the terminal comes back at once, before waiting for the workers, \(context)")
            try pane.assertTerminalRestored(context)
            restores.append(restore)
            exits.append(exited)
        }
        print("InterruptStressTests: \(quits) explorer quits mid-computation (\(shape.rows)×\(shape.columns)), terminal back after at most "
              + String(format: "%.2f s", restores.max() ?? 0) + ", exit after at most " + String(format: "%.2f s", exits.max() ?? 0)
              + ", \(waitedAfterRestore) still waiting for a worker once the shell was back, 0 hangs; \(replay)")
    }

    /// Seconds from now until `process` exits, nil (after killing it) when it runs past the hang limit.
    private func waitForExit(_ process: Process) -> Double? {
        let started = Date(), deadline = started.addingTimeInterval(hangLimit)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return Date().timeIntervalSince(started)
    }

    /// A checkpoint of `matrices` random F16 matrices of ``shape``.
    private func writeCheckpoint(matrices: Int, name: String) throws -> String {
        let path = directory + "/\(name).safetensors"
        try PythonOracle.run("""
        import sys, numpy as np
        from safetensors.numpy import save_file
        rng = np.random.default_rng(int(sys.argv[2]))
        rows, columns, count = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
        save_file({f"model.layers.{i}.mlp.up_proj.weight": rng.standard_normal((rows, columns), dtype=np.float32).astype(np.float16)
                   for i in range(count)}, sys.argv[1])
        """, [path, "\(seed)", "\(shape.rows)", "\(shape.columns)", "\(matrices)"])
        return path
    }
}
