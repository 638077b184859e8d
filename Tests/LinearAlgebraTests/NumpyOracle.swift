import Foundation
import PythonOracle

/// numpy as the independent source of expected singular values.
///
/// Each matrix is written as raw little-endian bytes with a manifest line; one ``PythonOracle``
/// run reads them all, computes `numpy.linalg.svd(A.astype(float64), compute_uv=False)` and writes
/// the values back as little-endian float64. Missing python3 or numpy is a test failure, not a skip.
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
    static func singularValues(of cases: [Case], file: StaticString = #fileID, line: UInt = #line) throws -> [String: [Double]] {
        try TemporaryFolder.with("la") { directory in
            var manifest = ""
            for item in cases {
                try Data(item.bytes).write(to: directory.appendingPathComponent("\(item.name).bin"))
                manifest += "\(item.name) \(item.rows) \(item.columns) \(item.format)\n"
            }
            try manifest.write(to: directory.appendingPathComponent("manifest.txt"), atomically: true, encoding: .utf8)
            try PythonOracle.run(script, [directory.path], file: file, line: line)
            var results: [String: [Double]] = [:]
            for item in cases {
                let data = try Data(contentsOf: directory.appendingPathComponent("\(item.name).out"))
                results[item.name] = data.withUnsafeBytes { raw in
                    (0..<(data.count / 8)).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self) }
                }
            }
            return results
        }
    }
}
