import Foundation
import LinearAlgebra
import Planning
import SafeTensors

/// The generated inputs of the `spectra` and `factorize` sections: one-tensor safetensors files
/// (tensor `weight`) in the bench's data folder, written once and reused while their metadata
/// says they were made by this generator with the same recipe.
enum BenchMatrices {
    /// The tensor name in every generated file.
    static let tensorName = "weight"

    /// Bumped whenever a recipe changes, so stale files are rewritten.
    static let version = "rankscope-bench-1"

    /// The path of `name` in the data folder, holding `values` (rows × columns, row-major) as
    /// `dtype` (F32 or BF16), written first when missing or made by another recipe.
    static func file(_ name: String, rows: Int, columns: Int, dtype: DType, recipe: String,
                     options: BenchOptions, values: () throws -> [Float]) throws -> String {
        let path = try options.dataPath(name)
        if let existing = try? SafeTensorsFile(path: path), existing.metadata?["recipe"] == recipe,
           existing.metadata?["generator"] == version, existing.tensor(named: tensorName)?.shape == [rows, columns] {
            return path
        }
        let floats = try values()
        precondition(floats.count == rows * columns, "a generator returned the wrong number of values")
        let bytes: [UInt8]
        switch dtype {
        case .F32: bytes = floats.withUnsafeBytes { Array($0) }
        case .BF16: bytes = floats.map { HalfPrecision.bf16Bits(from: $0) }.withUnsafeBytes { Array($0) }
        default: preconditionFailure("BenchMatrices writes F32 or BF16 only")
        }
        try SafeTensorsWriter.write(path: path, tensors: [(TensorSpec(name: tensorName, dtype: dtype, shape: [rows, columns]), bytes)],
                                    metadata: ["generator": version, "recipe": recipe])
        return path
    }

    /// Independent standard Gaussian entries from `seed`.
    static func gaussian(rows: Int, columns: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<(rows * columns)).map { _ in Float(generator.nextGaussian()) }
    }

    /// `G₁·G₂/√rank + noise·N`: Gaussian factors of width `rank` plus Gaussian noise, so the
    /// leading `rank` singular values stand well apart from the rest and the best rank-`rank`
    /// approximation is well defined (two correct methods must agree on it).
    static func lowRankPlusNoise(rows: Int, columns: Int, rank: Int, noise: Double, seed: UInt64) throws -> [Float] {
        var generator = SeededGenerator(seed: seed)
        let left = Matrix.gaussian(rows: rows, columns: rank, using: &generator)
        let right = Matrix.gaussian(rows: rank, columns: columns, using: &generator)
        let signal = try left.multiplied(by: right)
        let scale = 1 / Double(rank).squareRoot()
        return signal.elements.map { Float($0 * scale + noise * generator.nextGaussian()) }
    }

    /// The values of `file`'s `weight` as a ``MatrixSource`` for the duration of `body`.
    static func withSource<R>(_ path: String, _ body: (MatrixSource) throws -> R) throws -> R {
        let file = try SafeTensorsFile(path: path)
        guard let info = file.tensor(named: tensorName), info.shape.count == 2, let format = ScalarFormat(info.dtype) else {
            throw BenchError(description: "\(path) has no 2-D tensor '\(tensorName)' of a float type.")
        }
        return try file.withBytes(of: info) { bytes in
            try body(MatrixSource(base: bytes.baseAddress!, rows: info.shape[0], columns: info.shape[1], format: format))
        }
    }
}
