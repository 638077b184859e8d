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
    /// few ulps of `pow`). The per-value figures come from two fused passes over unsafe buffers
    /// (squares, Σλ, the logarithms, the roots' squares and largest values; then Σ λ^α, the tail
    /// count, the rank counts and the entropy), each sum in the order WeightWatcher's definitions
    /// sum it, so the figures are the same as computing every one on its own.
    public init(singularValues: [Double], rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        let larger = max(rows, columns)
        let ascendingSingular = SpectralMetrics.ascending(singularValues)
        let count = ascendingSingular.count
        var eigenvalues = [Double](repeating: 0, count: count)
        var logs = [Double](repeating: 0, count: count)
        // Pass 1: λ = σ², Σλ, #{λ < 1e−6}, ln λ, Σ (√λ)², max √λ and max σ.
        var norm = 0.0, rootEnergy = 0.0, weak = 0
        var largestRoot = 0.0, largestSingular = 0.0
        ascendingSingular.withUnsafeBufferPointer { singular in
            eigenvalues.withUnsafeMutableBufferPointer { eigenvalues in
                logs.withUnsafeMutableBufferPointer { logs in
                    for index in 0..<count {
                        let lambda = singular[index] * singular[index]
                        eigenvalues[index] = lambda
                        norm += lambda
                        if lambda < SpectralMetrics.weakRankTolerance { weak += 1 }
                        logs[index] = Foundation.log(lambda)
                        let root = lambda.squareRoot()
                        rootEnergy += root * root
                        // `max()`: the first value, replaced by any larger one.
                        if index == 0 || largestRoot < root { largestRoot = root }
                        if index == 0 || largestSingular < singular[index] { largestSingular = singular[index] }
                    }
                }
            }
        }
        self.norm = norm
        logNorm = Foundation.log10(norm)
        spectralNorm = eigenvalues.last ?? 0
        logSpectralNorm = Foundation.log10(spectralNorm)
        stableRank = norm / spectralNorm
        largestSingularValue = ascendingSingular.last ?? 0
        smallestSingularValue = max(0, ascendingSingular.first ?? 0)
        weakRankLoss = weak

        let fit = PowerLawFit.fit(ascendingEigenvalues: eigenvalues, logs: logs)
        powerLaw = fit
        let alpha = fit?.alpha ?? -1
        let xmin = fit?.xmin ?? .nan

        // Pass 2: Σ λ^α, #{λ ≥ xmin}, the two rank counts and Σ p ln p.
        let rootTolerance = largestRoot * Double(larger) * Double.ulpOfOne
        let singularTolerance = largestSingular * Double(larger) * Double.ulpOfOne
        var alphaNorm = 0.0, entropySum = 0.0
        var tail = 0, rootRank = 0, singularRank = 0
        ascendingSingular.withUnsafeBufferPointer { singular in
            eigenvalues.withUnsafeBufferPointer { eigenvalues in
                logs.withUnsafeBufferPointer { logs in
                    for index in 0..<count {
                        let lambda = eigenvalues[index]
                        alphaNorm += Foundation.exp(alpha * logs[index])
                        if lambda >= xmin { tail += 1 }
                        let root = lambda.squareRoot()
                        if root > rootTolerance { rootRank += 1 }
                        if singular[index] > singularTolerance { singularRank += 1 }
                        let p = root * root / rootEnergy + SpectralMetrics.entropyEpsilon
                        entropySum += p * Foundation.log(p)
                    }
                }
            }
        }
        powerLawTailCount = fit == nil ? -1 : tail
        alphaWeighted = alpha * logSpectralNorm
        logAlphaNorm = Foundation.log10(alphaNorm)
        matrixRank = count == 0 ? 0 : rootRank
        rankLoss = count - (count == 0 ? 0 : singularRank)
        entropy = -entropySum / Foundation.log(Double(matrixRank) + SpectralMetrics.entropyEpsilon)
        marchenkoPastur = MarchenkoPasturFit.fit(eigenvalues: eigenvalues, sum: norm, largerDimension: larger,
                                                 smallerDimension: min(rows, columns))
        warning = SpectralWarning(alpha: alpha, ksDistance: fit?.ksDistance ?? -1, tailCount: powerLawTailCount)
    }

    /// `values.sorted()`: as given when ascending, reversed when strictly descending (as the
    /// cache stores them), sorted otherwise.
    static func ascending(_ values: [Double]) -> [Double] {
        var isAscending = true, isDescending = true
        for index in values.indices.dropFirst() {
            if !(values[index - 1] <= values[index]) { isAscending = false }
            if !(values[index - 1] > values[index]) { isDescending = false }
            if !isAscending && !isDescending { return values.sorted() }
        }
        return isAscending ? values : values.reversed()
    }
}
