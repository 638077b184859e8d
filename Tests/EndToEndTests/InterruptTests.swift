import Foundation
import PythonOracle
import XCTest

/// Ctrl-C during `spectra` stops early, exits 130, and keeps what was computed in the cache.
final class InterruptTests: XCTestCase {
    /// 24 matrices of 1536×3072 in `directory/big.safetensors`.
    private func writeBigCheckpoint(_ directory: String) throws {
        try PythonOracle.run("""
        import sys, numpy as np
        from safetensors.numpy import save_file
        rng = np.random.default_rng(1)
        save_file({f"model.layers.{i}.mlp.up_proj.weight": rng.standard_normal((1536, 3072)).astype(np.float32)
                   for i in range(24)}, sys.argv[1])
        """, [directory + "/big.safetensors"])
    }

    /// Runs `rankscope spectra big.safetensors --jobs 1` plus `extra`, interrupts it after 1.5 s and
    /// returns its exit status and standard error.
    private func interruptedSpectra(_ directory: String, _ extra: [String] = []) throws -> (status: Int32, message: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Harness.binary)
        process.arguments = ["spectra", directory + "/big.safetensors", "--jobs", "1"] + extra
        process.environment = ProcessInfo.processInfo.environment.merging(["XDG_CACHE_HOME": directory + "/cache"]) { $1 }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Let a few matrices finish (a debug build takes well over a second per matrix), then interrupt.
        Thread.sleep(forTimeInterval: 1.5)
        process.interrupt()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    func testInterruptKeepsFinishedSpectraInTheCache() throws {
        let directory = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try writeBigCheckpoint(directory)
        let (status, message) = try interruptedSpectra(directory)
        XCTAssertEqual(status, 130, message)
        let interrupted = try XCTUnwrap(message.range(of: "interrupted after "), message)
        let kept = try XCTUnwrap(Int(message[interrupted.upperBound...].prefix { $0.isNumber }), message)
        XCTAssertTrue(message.contains("of 24 matrices; computed spectra are kept in the cache."), message)
        XCTAssertLessThan(kept, 24)

        let again = try Harness.rankscope(["spectra", directory + "/big.safetensors", "--json"], cacheHome: directory + "/cache")
        XCTAssertEqual(again.status, 0, again.stderr)
        let matrices = try XCTUnwrap((Harness.json(again.stdout) as? [String: Any])?["matrices"] as? [[String: Any]])
        XCTAssertEqual(matrices.count, 24)
        XCTAssertEqual(matrices.filter { $0["from_cache"] as? Bool == true }.count, kept, "every spectrum finished before Ctrl-C is served from the cache")
    }

    /// With `--no-cache` the line does not promise a cache that was never written.
    func testInterruptWithoutTheCacheSaysNothingWasKept() throws {
        let directory = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try writeBigCheckpoint(directory)
        let (status, message) = try interruptedSpectra(directory, ["--no-cache"])
        XCTAssertEqual(status, 130, message)
        XCTAssertTrue(message.contains("of 24 matrices; nothing was cached (--no-cache)."), message)
        XCTAssertFalse(message.contains("kept in the cache"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/cache/rankscope"), "nothing written under the cache")
    }
}
