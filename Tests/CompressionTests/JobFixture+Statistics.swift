import Foundation
import XCTest
import LinearAlgebra
import Planning
import SafeTensors
@testable import Compression

/// Activation statistics for ``JobFixture``'s layers, and reading back what a job wrote.
extension JobFixture {
    /// Anisotropic inputs X (n×tokens) of a layer: channels scaled over four orders of magnitude
    /// and mixed, `X = diag(10^(−2…2))·(I + 0.8·M)·G`, so whitened and plain truncation differ.
    static func activations(columns: Int, tokens: Int = 300, seed: UInt64) throws -> Matrix {
        var mixing = CompressionFixtures.gaussian(rows: columns, columns: columns, seed: seed)
        for i in 0..<columns {
            let scale = pow(10, -2 + 4 * Double(i) / Double(max(columns - 1, 1)))
            for j in 0..<columns { mixing[i, j] = scale * ((i == j ? 1 : 0) + 0.8 * mixing[i, j]) }
        }
        return try mixing.multiplied(by: CompressionFixtures.gaussian(rows: columns, columns: tokens, seed: seed &+ 100))
    }

    /// Writes `name` (beside the model folder) with the full second moment X·Xᵀ/tokens of each of
    /// `inputs` (weight name → X) and returns its path.
    func writeStatistics(_ name: String, inputs: [String: Matrix]) throws -> String {
        try Self.writeStatistics(directory: directory, name, inputs: inputs)
    }

    /// As ``writeStatistics(_:inputs:)``, into `directory`.
    static func writeStatistics(directory: String, _ name: String, inputs: [String: Matrix]) throws -> String {
        let path = directory + "/" + name
        let layers = try inputs.map { weight, x -> LayerInputStatistics in
            let sum = try x.multiplied(byTransposeOf: x)
            let moment = try Matrix(rows: sum.rows, columns: sum.columns, elements: sum.elements.map { $0 / Double(x.columns) })
            return LayerInputStatistics(module: ActivationStatistics.module(ofWeight: weight), secondMoment: moment,
                                        meanSquare: nil, tokens: x.columns)
        }
        try ActivationStatisticsWriter.write(path: path, layers: layers)
        return path
    }

    /// The F32 matrix `name` of the checkpoint (or output folder) at `path`, widened to double.
    static func matrix(_ name: String, in path: String) throws -> Matrix {
        let checkpoint = try Checkpoint(path: path)
        let tensor = try XCTUnwrap(checkpoint.tensor(named: name), "\(path) holds \(name)")
        return try checkpoint.withBytes(of: tensor) { bytes in
            try Matrix(MatrixSource(base: bytes.baseAddress!, rows: tensor.info.shape[0], columns: tensor.info.shape[1], format: .f32))
        }
    }

    /// Ŵ = A·B from the F32 factors `P.1.weight` (A) and `P.0.weight` (B) in the output folder.
    static func factorProduct(of weight: String, in folder: String) throws -> Matrix {
        let module = ActivationStatistics.module(ofWeight: weight)
        return try matrix(module + ".1.weight", in: folder).multiplied(by: matrix(module + ".0.weight", in: folder))
    }

    /// ‖(W − Ŵ)·X‖_F / ‖W·X‖_F, straight from the inputs.
    static func outputError(_ weight: Matrix, _ approximation: Matrix, _ x: Matrix) throws -> Double {
        try approximation.multiplied(by: x).relativeDistance(to: weight.multiplied(by: x))
    }

}
