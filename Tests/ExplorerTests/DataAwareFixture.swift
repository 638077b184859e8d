import Foundation
import LinearAlgebra
import Planning
import XCTest

/// Activation statistics for ``ExplorerFixture``'s checkpoint, and the data-aware spectra they
/// must give, derived here rather than by the explorer:
///
/// - every `attn.q_proj` (W = diag(2^(−i/2)), 12×12) gets mean squares only, 2^i per channel,
///   so `W·S = diag(2^(−i/2)·2^(i/2)) = I`: twelve singular values of 1 (by hand, up to the F32
///   rounding of the weights);
/// - every `mlp.up_proj` (40×12) gets a full second moment `C = A·Aᵀ/24` of a fixed 12×24 `A`
///   with channel scales 10^(i/6 − 1); its spectrum is the singular values of `W·chol(C)`,
///   computed in the test through Planning's `Whitening` from the matrices built here.
enum DataAwareFixture {
    /// The statistics file written for `catalog` (outside its folder) and, per weight name, the
    /// expected data-aware singular values, descending.
    static func statistics(for catalog: LayerCatalog) throws -> (statistics: ActivationStatistics, expected: [String: [Double]]) {
        let path = NSTemporaryDirectory() + "rankscope-explorer-stats-\(UUID().uuidString).safetensors"
        var layers: [LayerInputStatistics] = []
        var expected: [String: [Double]] = [:]
        for entry in catalog.compressibleEntries {
            let name = entry.info.name
            let module = ActivationStatistics.module(ofWeight: name)
            let shape = try XCTUnwrap(entry.matrixShape)
            if entry.name.role == "attn.q_proj" {
                layers.append(LayerInputStatistics(module: module, secondMoment: nil,
                                                   meanSquare: (0..<12).map { pow(2.0, Double($0)) }, tokens: 24))
                // The checkpoint holds 2^(−i/2) rounded to F32, so the ones are ones to ~1e-8.
                expected[name] = (0..<12).map { Double(Float(pow(2.0, -Double($0) / 2))) * pow(2.0, Double($0) / 2) }
                    .sorted(by: >)
            } else {
                let moment = try secondMoment()
                layers.append(LayerInputStatistics(module: module, secondMoment: moment, meanSquare: nil, tokens: 24))
                let weight = try Matrix(rows: shape.rows, columns: shape.columns,
                                        elements: ExplorerFixture.diagonal(rows: shape.rows, columns: shape.columns).map(Double.init))
                let whitening = try Whitening(LayerInputStatistics(module: module, secondMoment: moment, meanSquare: nil, tokens: 24))
                XCTAssertEqual(whitening.shift, 0, "C is positive definite: no regularisation")
                expected[name] = try whitening.whitenedSingularValues(of: weight)
            }
        }
        try ActivationStatisticsWriter.write(path: path, layers: layers)
        return (try ActivationStatistics(path: path), expected)
    }

    /// `A·Aᵀ/24` for a fixed 12×24 `A` of uniform(−1, 1) values (a 64-bit LCG) times the channel
    /// scale 10^(i/6 − 1): positive definite, with channels of very different scales and
    /// correlated inputs.
    static func secondMoment() throws -> Matrix {
        var a = [[Double]](repeating: [Double](repeating: 0, count: 24), count: 12)
        var state: UInt64 = 12345
        for i in 0..<12 {
            let scale: Double = pow(10, Double(i) / 6 - 1)
            for j in 0..<24 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                a[i][j] = (Double(state >> 11) / Double(1 << 53) * 2 - 1) * scale
            }
        }
        var elements: [Double] = []
        for i in 0..<12 {
            for k in 0..<12 {
                var sum = 0.0
                for j in 0..<24 { sum += a[i][j] * a[k][j] }
                elements.append(sum / 24)
            }
        }
        return try Matrix(rows: 12, columns: 12, elements: elements)
    }

    /// Σ_{i≥k} σᵢ² of `values`.
    static func tail(_ values: [Double], _ k: Int) -> Double { values[min(k, values.count)...].reduce(0) { $0 + $1 * $1 } }

    /// √(tail(k)/total): the relative output error of a rank-k truncation.
    static func error(_ values: [Double], rank k: Int) -> Double { (tail(values, k) / tail(values, 0)).squareRoot() }

    /// The smallest k keeping `fraction` of the energy of `values`.
    static func energyRank(_ values: [Double], _ fraction: Double) -> Int {
        let total = tail(values, 0)
        return (1...values.count).first { total - tail(values, $0) >= fraction * total }!
    }
}
