import Compression
import Foundation
import LinearAlgebra
import SafeTensors

/// The `factorize` section: rank-1024 factors `A·B` of a 4096×11008 F32 matrix (rank 256 of
/// 1024×2752 with `--quick`) by `TruncatedSVD` (Gram, partial eigenvectors, one Rayleigh–Ritz
/// step; the F32→double conversion included) against numpy's full SVD then truncation
/// (`scripts/bench-anchors/factorize.py`). The matrix has a clear gap after the chosen rank
/// (see ``BenchMatrices/lowRankPlusNoise(rows:columns:rank:noise:seed:)``), so the best rank-k
/// approximation is unique and both products must agree: ‖A·B − A'·B'‖_F / ‖A'·B'‖_F ≤ 1e-5.
enum FactorizeBenchmark {
    static let requiredSpeedup = 3.0
    static let tolerance = 1e-5

    static func run(_ options: BenchOptions) throws -> [String] {
        let (rows, columns, rank) = options.quick ? (1024, 2752, 256) : (4096, 11008, 1024)
        let label = "rank \(rank) of \(rows)×\(columns) F32"
        let path = try BenchMatrices.file("low-rank-\(rows)x\(columns)-\(rank).safetensors", rows: rows, columns: columns, dtype: .F32,
                                          recipe: "low rank \(rank) + 0.05 noise, seed 7", options: options) {
            try BenchMatrices.lowRankPlusNoise(rows: rows, columns: columns, rank: rank, noise: 0.05, seed: 7)
        }
        var factors: (a: Matrix, b: Matrix)?
        let ours = try BenchMatrices.withSource(path) { source in
            try Timing(runs: options.heavyRuns, warmUp: false) {
                factors = try TruncatedSVD(of: Matrix(source), rank: rank).balancedFactors
            }
        }
        let output = try options.dataPath("anchor-factorize-\(rows)x\(columns)-\(rank).npy")
        let anchor = try PythonAnchor.timing(PythonAnchor.run("factorize.py", [path, BenchMatrices.tensorName, String(rank),
                                                                                 String(options.anchorRuns), output]))
        let reference = try NumpyFile.read(output)
        let product = try factors!.a.multiplied(by: factors!.b).elements
        let agreement = relativeDifference(product, reference)
        let speedup = anchor.median / ours.median
        return [
            "factorize: \(label), rankscope TruncatedSVD vs numpy svd(full_matrices=False) + truncation",
            BenchReport.row("\(label) rankscope", ours.summary),
            BenchReport.row("\(label) numpy", "\(anchor.summary)  → rankscope \(BenchReport.ratio(speedup)) faster; ‖AB − AB(numpy)‖/‖AB(numpy)‖ = \(BenchReport.scientific(agreement))"),
            BenchReport.verdict(speedup >= requiredSpeedup && agreement <= tolerance,
                                "\(label): ≥ \(Int(requiredSpeedup))× numpy at ≤ \(BenchReport.scientific(tolerance)) relative agreement"),
        ]
    }

    /// ‖a − b‖_F / ‖b‖_F; infinity when the sizes differ.
    static func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count == b.count, !b.isEmpty else { return .infinity }
        var difference = 0.0, norm = 0.0
        for index in a.indices {
            difference += (a[index] - b[index]) * (a[index] - b[index])
            norm += b[index] * b[index]
        }
        return (difference / norm).squareRoot()
    }
}
