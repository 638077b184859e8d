import Foundation

/// The figures derived from a matrix's singular values that guide a rank choice.
///
/// Definitions (σ₁ ≥ σ₂ ≥ … ≥ σₛ ≥ 0, s = min(m, n), E = Σ σᵢ²):
/// - Frobenius norm ‖W‖_F = √E; spectral norm ‖W‖₂ = σ₁.
/// - Stable rank = E / σ₁² (between 1 and s; 0 for a zero matrix).
/// - Effective rank (Roy & Vetterli, 2007) = exp(−Σ pᵢ ln pᵢ) with pᵢ = σᵢ / Σσⱼ.
/// - Energy rank r(f) = the smallest k with Σ_{i≤k} σᵢ² ≥ f·E: a rank-k truncation keeps the
///   fraction f of the squared Frobenius norm and has relative error √(1 − f) at most.
/// - Break-even rank = ⌈m·n / (m + n)⌉: factors A (m×k) and B (k×n) hold fewer parameters
///   than W exactly when k < break-even rank.
public struct SpectrumSummary: Sendable, Equatable, Codable {
    /// Rows m of the matrix.
    public let rows: Int
    /// Columns n of the matrix.
    public let columns: Int
    /// √(Σ σᵢ²).
    public let frobeniusNorm: Double
    /// σ₁.
    public let spectralNorm: Double
    /// ‖W‖_F² / σ₁².
    public let stableRank: Double
    /// exp of the Shannon entropy of the normalised singular values.
    public let effectiveRank: Double
    /// Smallest rank keeping 90% of the energy.
    public let energyRank90: Int
    /// Smallest rank keeping 99% of the energy.
    public let energyRank99: Int
    /// Smallest rank keeping 99.9% of the energy.
    public let energyRank999: Int
    /// Ranks strictly below this save parameters when factorized as k·(m+n).
    public let breakEvenRank: Int

    /// min(m, n): the number of singular values.
    public var fullRank: Int { min(rows, columns) }

    /// Derives the figures from singular values sorted in descending order.
    public init(singularValues: [Double], rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        // Squares of σ/σ₁, never of σ: σ ≈ 1e200 (F64 weights) squares to infinity.
        spectralNorm = singularValues.first ?? 0
        let unit = spectralNorm > 0 && spectralNorm.isFinite ? spectralNorm : 1
        let total = singularValues.reduce(0) { $0 + ($1 / unit) * ($1 / unit) }
        frobeniusNorm = unit * total.squareRoot()
        stableRank = spectralNorm > 0 ? total : 0
        effectiveRank = SpectrumSummary.entropyRank(singularValues)
        let cumulative = SpectrumSummary.cumulativeEnergy(singularValues)
        energyRank90 = SpectrumSummary.rank(keeping: 0.90, cumulative: cumulative)
        energyRank99 = SpectrumSummary.rank(keeping: 0.99, cumulative: cumulative)
        energyRank999 = SpectrumSummary.rank(keeping: 0.999, cumulative: cumulative)
        breakEvenRank = SpectrumSummary.breakEvenRank(rows: rows, columns: columns)
    }

    /// ⌈m·n / (m + n)⌉, computed without overflow or rounding.
    public static func breakEvenRank(rows: Int, columns: Int) -> Int {
        guard rows > 0, columns > 0 else { return 0 }
        let (product, overflow) = rows.multipliedReportingOverflow(by: columns)
        if overflow {
            return Int((Double(rows) * Double(columns) / Double(rows + columns)).rounded(.up))
        }
        let sum = rows + columns
        return (product + sum - 1) / sum
    }

    /// Running sums of (σᵢ/σ₁)²: element k−1 is the energy a rank-k truncation keeps, in units of
    /// σ₁² (only ratios of these are meaningful), so σ ≈ 1e200 does not square to infinity.
    public static func cumulativeEnergy(_ singularValues: [Double]) -> [Double] {
        let first = singularValues.first ?? 0
        let unit = first > 0 && first.isFinite ? first : 1
        var running = 0.0
        return singularValues.map { sigma in
            running += (sigma / unit) * (sigma / unit)
            return running
        }
    }

    /// The smallest k whose cumulative energy reaches `fraction` of the total (0 for a zero matrix).
    public static func rank(keeping fraction: Double, cumulative: [Double]) -> Int {
        guard let total = cumulative.last, total > 0 else { return 0 }
        let goal = fraction * total
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] >= goal { high = middle } else { low = middle + 1 }
        }
        return low + 1
    }

    private static func entropyRank(_ singularValues: [Double]) -> Double {
        let sum = singularValues.reduce(0, +)
        guard sum > 0 else { return 0 }
        var entropy = 0.0
        for sigma in singularValues where sigma > 0 {
            let p = sigma / sum
            entropy -= p * Foundation.log(p)
        }
        return Foundation.exp(entropy)
    }
}
