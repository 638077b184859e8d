import Foundation
import XCTest
import LinearAlgebra
import Planning
import PythonOracle
import SafeTensors
@testable import Compression

/// numpy's side of the Hessian-weighted tests: an independent GPTQ/LDLQ written from the paper's
/// recipe (GPTQ's own `cholesky → inverse → upper cholesky`, one column at a time, no lazy blocks),
/// and a reader that loads a written `.safetensors` file with the `safetensors` package and decodes
/// it with docs/compression.md's `dequantize` verbatim.
enum HessianOracle {
    /// Anisotropic, correlated inputs `X = diag(d)·M·G` (n channels, `tokens` columns) with
    /// `d` spanning three orders of magnitude (`10^(3·π(i)/n − 1.5)`, π a seeded permutation, so
    /// strong channels sit anywhere, as LLM outlier channels do) and `M = I + 0.5·N(0,1)` mixing
    /// the channels.
    static func activations(channels n: Int, tokens: Int, seed: UInt64) throws -> Matrix {
        var mixing = CompressionFixtures.gaussian(rows: n, columns: n, seed: seed)
        var generator = SeededGenerator(seed: seed &+ 2)
        let order = Array(0..<n).shuffled(using: &generator)
        for i in 0..<n {
            for j in 0..<n {
                mixing[i, j] = ((i == j ? 1 : 0) + 0.5 * mixing[i, j]) * pow(10, 3 * Double(order[i]) / Double(n) - 1.5)
            }
        }
        return try mixing.multiplied(by: CompressionFixtures.gaussian(rows: n, columns: tokens, seed: seed &+ 1))
    }

    /// `X·Xᵀ / tokens`.
    static func secondMoment(of x: Matrix) throws -> Matrix {
        let sum = try x.multiplied(byTransposeOf: x)
        return try Matrix(rows: sum.rows, columns: sum.columns, elements: sum.elements.map { $0 / Double(x.columns) })
    }

    /// The Cholesky whitening of `X·Xᵀ / tokens`.
    static func whitening(of x: Matrix) throws -> Whitening {
        try Whitening(LayerInputStatistics(module: CompressionFixtures.module, secondMoment: secondMoment(of: x), meanSquare: nil,
                                           tokens: x.columns))
    }

    /// Little-endian float64 bytes.
    static func bytes(_ matrix: Matrix) -> Data {
        var bytes = Data(capacity: 8 * matrix.elements.count)
        for value in matrix.elements { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        return bytes
    }

    /// numpy's GPTQ of one matrix, compared with Swift's codes.
    struct QuantizerResult: Decodable {
        /// Codes where numpy and Swift differ.
        let codeMismatches: Int
        /// The largest |code difference|.
        let maxCodeStep: Int
        /// Groups whose F16 scale or zero point differ.
        let groupMismatches: Int
        /// max |Q̂_swift − Q̂_numpy|.
        let maxDequantizedDifference: Double
        /// ‖(W − Q̂_numpy)·S‖/‖W·S‖ with numpy's own S.
        let outputError: Double
    }

    static let quantizerScript = #"""
import sys, json, math, numpy as np
d = sys.argv[1]
cases = json.load(open(d + "/cases.json"))
def f16(x):
    return np.float16(np.float32(x))          # Swift: Float(x), then F16 round-to-nearest-even
def spacing(v):                                # distance between F16 numbers around v >= 0
    return 2.0 ** -24 if v < 2.0 ** -14 else 2.0 ** (math.frexp(v)[1] - 1 - 10)
def scale_zero(low, high, levels):             # docs/compression.md's / QuantizedMatrix's group rule
    largest = max(abs(low), abs(high))
    if not high > low:
        s = f16(largest if largest > 0 else 1.0)
        return s, f16(-low / float(s))
    widest = max((high - low) / levels, largest / (128 * levels))
    u = 2 * spacing(abs(low) / widest + levels)
    scale = max((high - low) / (levels - u), largest / (128 * levels))
    s = f16(scale)
    if s == 0: s = np.uint16(1).view(np.float16)
    if float(s) < scale: s = np.nextafter(s, np.float16(np.inf))
    assert np.isfinite(s)
    return s, f16(-low / float(s) + u / 2)
out = {}
for c in cases:
    m, n, b, g = c["rows"], c["columns"], c["bits"], c["groupSize"]
    W = np.fromfile(d + "/" + c["name"] + ".w", "<f8").reshape(m, n)
    M = np.fromfile(d + "/" + c["name"] + ".h", "<f8").reshape(n, n) + c["shift"] * np.eye(n)
    swift_codes = np.fromfile(d + "/" + c["name"] + ".codes", "<u1").reshape(m, n).astype(np.int64)
    swift_q = np.fromfile(d + "/" + c["name"] + ".q", "<f8").reshape(m, n)
    swift_s = np.fromfile(d + "/" + c["name"] + ".s", "<f2" if c["scaleType"] == "F16" else "<u2").reshape(m, -1)
    if c["scaleType"] == "BF16":
        swift_s = (swift_s.astype(np.uint32) << 16).view(np.float32)
    swift_z = np.fromfile(d + "/" + c["name"] + ".z", "<f2").reshape(m, -1)
    # GPTQ (fasterquant, blocksize = 1, no act_order): H += percdamp·mean(diag H)·I,
    # Hinv = cholesky(cholesky_inverse(cholesky(H)), upper=True).
    H = M + c["dampening"] * np.mean(np.diag(M)) * np.eye(n)
    Hinv = np.linalg.cholesky(np.linalg.inv(H)).T
    levels = 2 ** b - 1
    Wk = W.copy()
    codes = np.zeros((m, n), np.int64)
    Q = np.zeros((m, n))
    S = np.zeros((m, -(-n // g)), np.float16); Z = np.zeros_like(S)
    for j in range(n):
        if j % g == 0:
            block = Wk[:, j:j + g]
            for r in range(m):
                S[r, j // g], Z[r, j // g] = scale_zero(block[r].min(), block[r].max(), levels)
        s = S[:, j // g].astype(np.float64); z = Z[:, j // g].astype(np.float64)
        codes[:, j] = np.clip(np.rint(Wk[:, j] / s + z), 0, levels)
        Q[:, j] = (codes[:, j] - z) * s
        err = (Wk[:, j] - Q[:, j]) / Hinv[j, j]
        Wk[:, j + 1:] -= np.outer(err, Hinv[j, j + 1:])
    L = np.linalg.cholesky(M)
    out[c["name"]] = {
        "codeMismatches": int(np.sum(codes != swift_codes)),
        "maxCodeStep": int(np.max(np.abs(codes - swift_codes))),
        "groupMismatches": int(np.sum((S != swift_s) | (Z != swift_z))),
        "maxDequantizedDifference": float(np.max(np.abs(Q - swift_q))),
        "outputError": float(np.linalg.norm((W - Q) @ L) / np.linalg.norm(W @ L)),
    }
json.dump(out, open(d + "/results.json", "w"))
"""#

    /// One GPTQ case: the weight, the second moment (and the whitening's shift), the settings and
    /// Swift's codes.
    struct QuantizerCase {
        var name: String
        var weight: Matrix
        var secondMoment: Matrix
        var shift: Double
        var dampening: Double
        var quantized: QuantizedMatrix
    }

    /// numpy's GPTQ for every case, compared with Swift's, keyed by name.
    static func quantize(_ cases: [QuantizerCase], file: StaticString = #filePath, line: UInt = #line) throws -> [String: QuantizerResult] {
        try PythonOracle.results(of: quantizerScript, file: file, line: line) { directory in
            var manifest: [[String: Any]] = []
            for item in cases {
                let base = directory.appendingPathComponent(item.name).path
                try bytes(item.weight).write(to: URL(fileURLWithPath: base + ".w"))
                try bytes(item.secondMoment).write(to: URL(fileURLWithPath: base + ".h"))
                try Data(item.quantized.codes).write(to: URL(fileURLWithPath: base + ".codes"))
                try bytes(item.quantized.dequantized()).write(to: URL(fileURLWithPath: base + ".q"))
                try Data(StoredFloats.bytes(ofF16: item.quantized.scales)).write(to: URL(fileURLWithPath: base + ".s"))
                try Data(StoredFloats.bytes(ofF16: item.quantized.zeros)).write(to: URL(fileURLWithPath: base + ".z"))
                manifest.append(["name": item.name, "rows": item.weight.rows, "columns": item.weight.columns,
                                 "bits": item.quantized.bits, "groupSize": item.quantized.groupSize,
                                 "scaleType": item.quantized.scaleFormat.rawValue,
                                 "shift": item.shift, "dampening": item.dampening])
            }
            try JSONSerialization.data(withJSONObject: manifest).write(to: directory.appendingPathComponent("cases.json"))
        }
    }

    /// What numpy read back from a written `.safetensors` file.
    struct DecodedResult: Decodable {
        /// ‖W − Ŵ‖/‖W‖.
        let weightError: Double
        /// ‖(W − Ŵ)·X‖/‖W·X‖ on the activations themselves.
        let outputError: Double
    }

    static let decoderScript = #"""
import sys, json, numpy as np
from safetensors.numpy import load_file
d = sys.argv[1]
c = json.load(open(d + "/case.json"))
t = load_file(d + "/model.safetensors")
# docs/compression.md's decoder, verbatim.
def dequantize(qweight, scales, zeros, R, C, b, g):
    bits = np.unpackbits(qweight, bitorder="little")[: R * C * b].reshape(R * C, b)
    codes = (bits.astype(np.int64) << np.arange(b)).sum(axis=1).reshape(R, C)
    group = np.arange(C) // g
    return (codes - zeros.astype(np.float64)[:, group]) * scales.astype(np.float64)[:, group]
P, m, n, k, fb, bb, g = c["module"], c["rows"], c["columns"], c["rank"], c["factorBits"], c["backboneBits"], c["groupSize"]
def part(prefix, R, C, b):
    if b >= 16:
        return t[prefix + ".weight"].astype(np.float64)
    return dequantize(t[prefix + ".qweight"], t[prefix + ".scales"], t[prefix + ".zeros"], R, C, b, g)
B = part(P + ".0", k, n, fb)
A = part(P + ".1", k, m, fb)
A = A if fb >= 16 else A.T
Q = dequantize(t[P + ".backbone.qweight"], t[P + ".backbone.scales"], t[P + ".backbone.zeros"], m, n, bb, g)
What = Q + A @ B
W = np.fromfile(d + "/w.bin", "<f8").reshape(m, n)
X = np.fromfile(d + "/x.bin", "<f8").reshape(n, -1)
json.dump({"weightError": float(np.linalg.norm(W - What) / np.linalg.norm(W)),
           "outputError": float(np.linalg.norm((W - What) @ X) / np.linalg.norm(W @ X))},
          open(d + "/results.json", "w"))
"""#

    /// Writes `tensors` to a `.safetensors` file and has numpy decode them to `Q̂ + Â·B̂`.
    static func decode(_ tensors: [OutputTensor], weight: Matrix, activations: Matrix, rank: Int, factorBits: Int,
                       backboneBits: Int, groupSize: Int, file: StaticString = #filePath, line: UInt = #line) throws -> DecodedResult {
        try PythonOracle.results(of: decoderScript, file: file, line: line) { directory in
            try SafeTensorsWriter.write(path: directory.appendingPathComponent("model.safetensors").path,
                                        tensors: tensors.map { (TensorSpec(name: $0.name, dtype: $0.dtype, shape: $0.shape), $0.bytes) })
            try bytes(weight).write(to: directory.appendingPathComponent("w.bin"))
            try bytes(activations).write(to: directory.appendingPathComponent("x.bin"))
            let manifest: [String: Any] = ["module": CompressionFixtures.module, "rows": weight.rows, "columns": weight.columns,
                                           "rank": rank, "factorBits": factorBits, "backboneBits": backboneBits, "groupSize": groupSize]
            try JSONSerialization.data(withJSONObject: manifest).write(to: directory.appendingPathComponent("case.json"))
        }
    }
}
