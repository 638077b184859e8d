import Foundation
import XCTest

/// Runs numpy in a `python3` subprocess as the independent source of expected singular values.
///
/// Each matrix is written as raw little-endian bytes with a manifest line; one python run reads
/// them all, computes `numpy.linalg.svd(A.astype(float64), compute_uv=False)` and writes the
/// values back as little-endian float64. Missing python3 or numpy is a test failure, not a skip.
enum NumpyOracle {
    /// One matrix to send to numpy.
    struct Case {
        var name: String
        var rows: Int
        var columns: Int
        /// "f64", "f32", "f16" or "bf16".
        var format: String
        var bytes: [UInt8]
    }

    static let setupHint = "python3 with numpy is required for these tests; run the project's setup script (it installs python3-numpy)."

    static let script = """
    import sys, numpy as np
    d = sys.argv[1]
    for line in open(d + '/manifest.txt'):
        name, r, c, fmt = line.split()
        r, c = int(r), int(c)
        raw = open(d + '/' + name + '.bin', 'rb').read()
        if fmt == 'f64': a = np.frombuffer(raw, '<f8')
        elif fmt == 'f32': a = np.frombuffer(raw, '<f4')
        elif fmt == 'f16': a = np.frombuffer(raw, '<f2')
        elif fmt == 'bf16': a = (np.frombuffer(raw, '<u2').astype(np.uint32) << 16).view(np.float32)
        else: raise SystemExit('unknown format ' + fmt)
        a = a.reshape(r, c).astype(np.float64)
        s = np.linalg.svd(a, compute_uv=False) if min(r, c) > 0 else np.zeros(0)
        s.astype('<f8').tofile(d + '/' + name + '.out')
    """

    /// numpy's singular values for every case, keyed by name.
    static func singularValues(of cases: [Case], file: StaticString = #filePath, line: UInt = #line) throws -> [String: [Double]] {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("rankscope-la-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var manifest = ""
        for item in cases {
            try Data(item.bytes).write(to: directory.appendingPathComponent("\(item.name).bin"))
            manifest += "\(item.name) \(item.rows) \(item.columns) \(item.format)\n"
        }
        try manifest.write(to: directory.appendingPathComponent("manifest.txt"), atomically: true, encoding: .utf8)
        try run(script: script, arguments: [directory.path], file: file, line: line)
        var results: [String: [Double]] = [:]
        for item in cases {
            let data = try Data(contentsOf: directory.appendingPathComponent("\(item.name).out"))
            results[item.name] = data.withUnsafeBytes { raw in
                (0..<(data.count / 8)).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self) }
            }
        }
        return results
    }

    /// Runs a python3 script; throws (after recording a failure) when python3 is missing or fails.
    @discardableResult
    static func run(script: String, arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch {
            XCTFail("Could not start python3 (\(error)). \(setupHint)", file: file, line: line)
            throw error
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errorData, as: UTF8.self)
            XCTFail("python3 failed (status \(process.terminationStatus)): \(message) \(setupHint)", file: file, line: line)
            throw OracleFailure.pythonFailed(message)
        }
        return String(decoding: outputData, as: UTF8.self)
    }

    enum OracleFailure: Error { case pythonFailed(String) }
}
