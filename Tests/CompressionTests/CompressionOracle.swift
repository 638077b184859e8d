import Foundation
import LinearAlgebra
import PythonOracle
@testable import Compression

/// Decodes rankscope's output tensors in numpy, from the documented layout alone
/// (``QuantizedLayout``: little-endian bitstream codes, F16 scales and zero points, `x̂ = (q − z)·s`,
/// the second factor stored transposed), and computes numpy's own figures for the original W:
/// singular values, the rank-k truncation W_k, and ‖W − Ŵ‖/‖W‖ of the decoded Ŵ.
///
/// The script runs through ``PythonOracle``, shared with the other test targets.
enum CompressionOracle {
    /// One compressed matrix to check.
    struct Case {
        var name: String
        var weight: Matrix
        var module: String
        var choice: (rank: Int?, factorBits: Int, backboneBits: Int?, groupSize: Int)
        var tensors: [OutputTensor]
    }

    /// What numpy found for one case.
    struct Result: Decodable {
        /// ‖W − Ŵ‖/‖W‖ of the Ŵ decoded from the tensors.
        let decodedError: Double
        /// ‖Ŵ − W_k‖/‖W_k‖ with W_k numpy's rank-k truncation (unquantized low-rank cases; else 0).
        let truncationDistance: Double
        /// √(Σ_{i>k} σᵢ²)/‖W‖ from numpy's singular values (low-rank cases; else 0).
        let spectrumError: Double
    }

    static let script = #"""
import sys, json, numpy as np
d = sys.argv[1]
cases = json.load(open(d + "/cases.json"))
out = {}
for c in cases:
    files = c["tensors"]
    def load(name):
        t = files[name]
        raw = open(d + "/" + t["file"], "rb").read()
        kind = {"F32": "<f4", "F16": "<f2", "U8": "<u1", "BF16": "<u2"}[t["dtype"]]
        a = np.frombuffer(raw, kind)
        if t["dtype"] == "BF16":
            a = (a.astype(np.uint32) << 16).view(np.float32)
        return a.reshape(t["shape"])
    g = c["groupSize"]
    def matrix(prefix, rows, cols, bits, transposed=False):
        if bits >= 16:
            return load(prefix + ".weight").astype(np.float64)
        R, C = (cols, rows) if transposed else (rows, cols)
        q = load(prefix + ".qweight")
        s = load(prefix + ".scales").astype(np.float64)
        z = load(prefix + ".zeros").astype(np.float64)
        assert s.shape == (R, -(-C // g)) and z.shape == s.shape and q.size == -(-R * C * bits // 8)
        stream = np.unpackbits(q, bitorder="little")[: R * C * bits].reshape(R * C, bits)
        codes = (stream.astype(np.int64) << np.arange(bits)).sum(axis=1).reshape(R, C)
        group = np.arange(C) // g
        x = (codes - z[:, group]) * s[:, group]
        return x.T if transposed else x
    m, n = c["rows"], c["columns"]
    W = np.fromfile(d + "/" + c["name"] + ".w", "<f8").reshape(m, n)
    P = c["module"]
    k, fb, bb = c["rank"], c["factorBits"], c["backboneBits"]
    if k is None:
        What = matrix(P, m, n, fb)
    else:
        B = matrix(P + ".0", k, n, fb)
        A = matrix(P + ".1", m, k, fb, transposed=True)
        What = A @ B
        if bb is not None:
            What = What + matrix(P + ".backbone", m, n, bb)
    norm = np.linalg.norm(W)
    res = {"decodedError": float(np.linalg.norm(W - What) / norm), "truncationDistance": 0.0, "spectrumError": 0.0}
    if k is not None:
        U, S, Vt = np.linalg.svd(W, full_matrices=False)
        Wk = (U[:, :k] * S[:k]) @ Vt[:k]
        nk = np.linalg.norm(Wk)
        res["truncationDistance"] = float(np.linalg.norm(What - Wk) / nk) if nk > 0 else float(np.linalg.norm(What))
        res["spectrumError"] = float(np.sqrt(np.sum(S[k:] ** 2)) / norm)
    out[c["name"]] = res
json.dump(out, open(d + "/results.json", "w"))
"""#

    /// numpy's results for every case, keyed by case name.
    static func check(_ cases: [Case], file: StaticString = #fileID, line: UInt = #line) throws -> [String: Result] {
        try PythonOracle.results(of: script, file: file, line: line) { directory in
            var manifest: [[String: Any]] = []
            for item in cases {
                var weightBytes: [UInt8] = []
                for value in item.weight.elements { withUnsafeBytes(of: value.bitPattern.littleEndian) { weightBytes.append(contentsOf: $0) } }
                try Data(weightBytes).write(to: directory.appendingPathComponent("\(item.name).w"))
                var tensors: [String: Any] = [:]
                for (index, tensor) in item.tensors.enumerated() {
                    let fileName = "\(item.name).t\(index)"
                    try Data(tensor.bytes).write(to: directory.appendingPathComponent(fileName))
                    tensors[tensor.name] = ["file": fileName, "dtype": tensor.dtype.rawValue, "shape": tensor.shape]
                }
                manifest.append(["name": item.name, "rows": item.weight.rows, "columns": item.weight.columns,
                                 "module": item.module, "rank": item.choice.rank as Any? ?? NSNull(),
                                 "factorBits": item.choice.factorBits, "backboneBits": item.choice.backboneBits as Any? ?? NSNull(),
                                 "groupSize": item.choice.groupSize, "tensors": tensors])
            }
            try JSONSerialization.data(withJSONObject: manifest).write(to: directory.appendingPathComponent("cases.json"))
        }
    }
}
