import LinearAlgebra
import Planning
import SafeTensors
import Foundation
@testable import Compression

/// Test matrices and shorthands shared by the compression tests.
enum CompressionFixtures {
    /// An m×n matrix of independent N(0, 1) samples: a flat, Marchenko–Pastur spectrum.
    static func gaussian(rows: Int, columns: Int, seed: UInt64) -> Matrix {
        var generator = SeededGenerator(seed: seed)
        return Matrix.gaussian(rows: rows, columns: columns, using: &generator)
    }

    /// `G₁·diag(decay)·G₂ / √n + noise·N(0, 1)` with Gaussian G₁ (m×r), G₂ (r×n) and
    /// decay_i = 0.8^i: a few dominant directions over a noise floor, like trained weights.
    static func lowRankPlusNoise(rows: Int, columns: Int, rank: Int, noise: Double, seed: UInt64) throws -> Matrix {
        var generator = SeededGenerator(seed: seed)
        var left = Matrix.gaussian(rows: rows, columns: rank, using: &generator)
        let right = Matrix.gaussian(rows: rank, columns: columns, using: &generator)
        var scaled = left.elements
        for i in 0..<rows { for j in 0..<rank { scaled[i * rank + j] *= pow(0.8, Double(j)) * 4 / Double(rank).squareRoot() } }
        left = try Matrix(rows: rows, columns: rank, elements: scaled)
        let floor = gaussian(rows: rows, columns: columns, seed: seed &+ 1)
        var elements = try left.multiplied(by: right).elements
        for index in elements.indices { elements[index] += noise * floor.elements[index] }
        return try Matrix(rows: rows, columns: columns, elements: elements)
    }

    /// The module of every test tensor.
    static let module = "model.layers.0.mlp.up_proj"
    /// Its weight's name.
    static let name = module + ".weight"

    /// Compresses `weight` as `choice`, F32 outputs unless said otherwise.
    static func compress(_ weight: Matrix, _ choice: LayerChoice, type: DType = .F32, iterations: Int = 10,
                         dense: Bool = false) throws -> CompressedMatrix {
        try MatrixCompressor.compress(weight: weight, name: name, choice: choice,
                                      options: CompressionOptions(factorType: type, calderaIterations: iterations, materializeDense: dense))
    }

    /// The oracle case for a compression result.
    static func oracleCase(_ label: String, _ weight: Matrix, _ choice: LayerChoice, _ result: CompressedMatrix) -> CompressionOracle.Case {
        switch choice {
        case let .dense(bits, groupSize):
            return .init(name: label, weight: weight, module: module, choice: (nil, bits ?? 16, nil, groupSize), tensors: result.tensors)
        case let .lowRank(rank, factorBits, groupSize, backboneBits, _):
            return .init(name: label, weight: weight, module: module, choice: (rank, factorBits, backboneBits, groupSize), tensors: result.tensors)
        }
    }
}
