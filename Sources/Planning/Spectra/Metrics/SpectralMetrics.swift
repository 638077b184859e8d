import Foundation

/// WeightWatcher's per-layer metrics of one matrix, computed from its singular values alone.
///
/// Definitions follow WeightWatcher 0.7.7 (`analyze(min_evals=0, mp_fit=True)`, defaults
/// otherwise) exactly, column for column: the eigenvalues are λ = σ² of all M = min(m, n)
/// singular values, not normalised by N; N = max(m, n).
/// - `norm` = Σλ = ‖W‖_F², `log_norm` = log₁₀ Σλ; `spectral_norm` = λ_max = σ₁²,
///   `log_spectral_norm` = log₁₀ λ_max; `stable_rank` = Σλ / λ_max.
/// - `alpha`, `xmin`, `xmax`, `D`, `sigma`: the ``PowerLawFit`` (−1 each when it fails);
///   `num_pl_spikes` = #{λ ≥ xmin}; `alpha_weighted` = α·log₁₀ λ_max;
///   `log_alpha_norm` = log₁₀ Σ λ^α.
/// - `matrix_rank` = #{σ > σ₁·N·ε} (numpy's `matrix_rank` rule, ε = 2⁻⁵²), with σ = √λ;
///   `rank_loss` = M − matrix_rank; `weak_rank_loss` = #{λ < 1e−6}.
/// - `entropy` = −Σ pᵢ ln pᵢ / ln(matrix_rank) with pᵢ = λᵢ/Σλ + 1e−10 (and 1e−10 added to the
///   rank), WeightWatcher's spectral entropy normalised to [0, 1].
/// - `num_spikes`, `sigma_mp`, `mp_softrank`, `bulk_max`, `bulk_min`, `W_scale`: the
///   ``MarchenkoPasturFit`` (−1 each when it fails).
/// - `warning`: ``SpectralWarning``.
public struct SpectralMetrics: Sendable, Equatable, Codable {
    /// Rows m of the matrix.
    public let rows: Int
    /// Columns n of the matrix.
    public let columns: Int
    /// The eigenvalues' count M = min(m, n) (`num_evals`).
    public var eigenvalueCount: Int { min(rows, columns) }
    /// max(m, n) (`N`).
    public var largerDimension: Int { max(rows, columns) }
    /// Σλ (`norm`).
    public let norm: Double
    /// log₁₀ Σλ (`log_norm`).
    public let logNorm: Double
    /// λ_max = σ₁² (`spectral_norm`, `lambda_max`).
    public let spectralNorm: Double
    /// log₁₀ λ_max (`log_spectral_norm`).
    public let logSpectralNorm: Double
    /// Σλ / λ_max (`stable_rank`).
    public let stableRank: Double
    /// The power-law fit of the tail; nil when it failed.
    public let powerLaw: PowerLawFit?
    /// α·log₁₀ λ_max (`alpha_weighted`).
    public let alphaWeighted: Double
    /// log₁₀ Σ λ^α (`log_alpha_norm`).
    public let logAlphaNorm: Double
    /// #{λ ≥ xmin} (`num_pl_spikes`), −1 when the fit failed.
    public let powerLawTailCount: Int
    /// #{σ > σ₁·N·ε} (`matrix_rank`).
    public let matrixRank: Int
    /// M − #{σ > σ₁·N·ε} on the singular values as given (`rank_loss`).
    public let rankLoss: Int
    /// #{λ < 1e−6} (`weak_rank_loss`).
    public let weakRankLoss: Int
    /// Normalised spectral entropy (`entropy`).
    public let entropy: Double
    /// σ₁ (`sv_max`).
    public let largestSingularValue: Double
    /// σ_M (`sv_min`).
    public let smallestSingularValue: Double
    /// The Marchenko–Pastur fit; nil when it failed.
    public let marchenkoPastur: MarchenkoPasturFit?
    /// The warning flag.
    public let warning: SpectralWarning

    /// α, or −1 when the fit failed (WeightWatcher's convention).
    public var alpha: Double { powerLaw?.alpha ?? -1 }
    /// The KS distance D of the fit, or −1.
    public var ksDistance: Double { powerLaw?.ksDistance ?? -1 }
    /// The spikes above the MP bulk, or −1.
    public var spikeCount: Int { marchenkoPastur?.spikeCount ?? -1 }
    /// The MP soft rank, or −1.
    public var mpSoftRank: Double { marchenkoPastur?.softRank ?? -1 }

    /// WeightWatcher's `WEAK_RANK_LOSS_TOLERANCE` on eigenvalues.
    public static let weakRankTolerance = 1e-6
    /// WeightWatcher's `EPSILON` in the entropy.
    public static let entropyEpsilon = 1e-10

    /// The metrics of an m×n matrix from its singular values (any order).
    ///
    /// One logarithm per eigenvalue serves the power-law fit and Σ λ^α (as exp(α·ln λ), within a
    /// few ulps of `pow`); the counts are loops, not filtered copies.
    public init(singularValues: [Double], rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        let larger = max(rows, columns)
        let ascendingSingular = singularValues.sorted()
        let eigenvalues = ascendingSingular.map { $0 * $0 }
        norm = eigenvalues.reduce(0, +)
        logNorm = Foundation.log10(norm)
        spectralNorm = eigenvalues.last ?? 0
        logSpectralNorm = Foundation.log10(spectralNorm)
        stableRank = norm / spectralNorm
        largestSingularValue = ascendingSingular.last ?? 0
        smallestSingularValue = max(0, ascendingSingular.first ?? 0)
        weakRankLoss = SpectralMetrics.count(eigenvalues) { $0 < SpectralMetrics.weakRankTolerance }

        let logs = eigenvalues.map { Foundation.log($0) }
        let fit = PowerLawFit.fit(ascendingEigenvalues: eigenvalues, logs: logs)
        powerLaw = fit
        let alpha = fit?.alpha ?? -1
        powerLawTailCount = fit.map { fit in SpectralMetrics.count(eigenvalues) { $0 >= fit.xmin } } ?? -1
        alphaWeighted = alpha * logSpectralNorm
        logAlphaNorm = Foundation.log10(logs.reduce(0) { $0 + Foundation.exp(alpha * $1) })

        let roots = eigenvalues.map { $0.squareRoot() }
        matrixRank = SpectralMetrics.rank(roots, largerDimension: larger)
        rankLoss = ascendingSingular.count - SpectralMetrics.rank(ascendingSingular, largerDimension: larger)
        entropy = SpectralMetrics.entropy(roots, rank: matrixRank)
        marchenkoPastur = MarchenkoPasturFit.fit(eigenvalues: eigenvalues, largerDimension: larger, smallerDimension: min(rows, columns))
        warning = SpectralWarning(alpha: alpha, ksDistance: fit?.ksDistance ?? -1, tailCount: powerLawTailCount)
    }

    /// How many values satisfy `condition`.
    @inline(__always)
    static func count(_ values: [Double], where condition: (Double) -> Bool) -> Int {
        var total = 0
        for value in values where condition(value) { total += 1 }
        return total
    }

    /// numpy's `matrix_rank` from singular values: #{σ > max σ · N · ε}.
    static func rank(_ values: [Double], largerDimension: Int) -> Int {
        guard let largest = values.max() else { return 0 }
        let tolerance = largest * Double(largerDimension) * Double.ulpOfOne
        return count(values) { $0 > tolerance }
    }

    /// WeightWatcher's `matrix_entropy`.
    static func entropy(_ roots: [Double], rank: Int) -> Double {
        let total = roots.reduce(0) { $0 + $1 * $1 }
        var sum = 0.0
        for root in roots {
            let p = root * root / total + entropyEpsilon
            sum += p * Foundation.log(p)
        }
        return -sum / Foundation.log(Double(rank) + entropyEpsilon)
    }
}
