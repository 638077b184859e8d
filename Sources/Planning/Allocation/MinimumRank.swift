import Foundation

/// The least rank the ``BudgetAllocator`` gives a free matrix, so that no plan removes a matrix
/// or cuts it to a sliver unless the user asks (`plan --min-rank`, the plan file's `min_rank`).
///
/// Spellings: `16` (rank 16, or the full rank if smaller), `10%` (10 % of the matrix's full rank
/// min(m, n)), `50%u` (half the rank the uniform plan gives this matrix at the same target), `auto`
/// (the default, ``deepening``: a share of the uniform rank that grows as the cut deepens). A
/// share above 0 rounds up and is never below rank 1; only `0` (or `0%`, `0%u`) allows rank 0.
/// A floor at or past a matrix's break-even rank keeps it dense. A plan file's per-matrix
/// `floor` applies on top (the larger wins).
public enum MinimumRank: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// A rank.
    case rank(Int)
    /// A share (0…1) of the matrix's full rank min(m, n).
    case shareOfFullRank(Double)
    /// A share (0…1) of the uniform plan's rank for this matrix at the same target.
    case shareOfUniform(Double)
    /// A share of the uniform plan's rank that grows as the cut deepens (``deepeningShare(budgetShare:)``):
    /// half of it while a parameter target leaves the free matrices at least 75 % of their size, all of it (the uniform
    /// plan) at 50 % and below, linear between. Measured on SmolLM2-135M and all-MiniLM-L6-v2
    /// (docs/evaluation.md), the allocator beats uniform ranks at 90 % and 75 % of the linear
    /// parameters with a 50%u floor but loses at 50 %, where floors of 75%u and 90%u lose too; so at
    /// 50 % and below the allocator returns the uniform plan. For byte and bit targets, and with a
    /// sensitivity profile (a loss model: it knows which matrices matter), it stays at half the
    /// uniform rank.
    case deepening

    /// The default: ``deepening``.
    public static let standard = MinimumRank.deepening

    /// The share of the uniform rank ``deepening`` keeps when the free matrices must fit in
    /// `budgetShare` of their dense size: 0.5 at 0.75 or more, 1 at 0.5 or less, linear between.
    public static func deepeningShare(budgetShare: Double) -> Double {
        min(1, max(0.5, 0.5 + 2 * (0.75 - budgetShare)))
    }

    /// `16`, `10%` or `50%u` (case-insensitive, spaces trimmed); nil for anything else or a share above 100 %.
    public static func parse(_ text: String) -> MinimumRank? {
        let lowered = text.trimmingCharacters(in: .whitespaces).lowercased()
        if lowered == "auto" { return .deepening }
        if let rank = Int(lowered) { return rank >= 0 ? .rank(rank) : nil }
        let ofUniform = lowered.hasSuffix("%u")
        guard ofUniform || lowered.hasSuffix("%") else { return nil }
        let number = lowered.dropLast(ofUniform ? 2 : 1).trimmingCharacters(in: .whitespaces)
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let percent = Double(number), percent.isFinite, percent >= 0, percent <= 100 else { return nil }
        return ofUniform ? .shareOfUniform(percent / 100) : .shareOfFullRank(percent / 100)
    }

    /// As written: `16`, `10%`, `50%u`, `auto`.
    public var description: String {
        func percent(_ share: Double) -> String {
            let value = share * 100
            return value == value.rounded() && value < 1e15 ? String(Int(value)) : String(value)
        }
        switch self {
        case .rank(let k): return String(k)
        case .shareOfFullRank(let share): return percent(share) + "%"
        case .shareOfUniform(let share): return percent(share) + "%u"
        case .deepening: return "auto"
        }
    }

    /// True when the floor depends on the uniform plan's rank fraction.
    public var needsUniformFraction: Bool {
        switch self {
        case .shareOfUniform, .deepening: return true
        case .rank, .shareOfFullRank: return false
        }
    }

    /// The floor of an m×n matrix (at most its full rank), `uniformRank` its rank in the uniform
    /// plan at the same target (``RankRule/fraction(_:)`` of that plan's fraction), nil when no
    /// uniform plan meets the target (a share of it is then no floor); `budgetShare` the share of
    /// the free matrices' dense size the target leaves them (for ``deepening``; nil: a mild cut).
    public func floor(rows: Int, columns: Int, uniformRank: Int?, budgetShare: Double? = nil) -> Int {
        let full = min(rows, columns)
        let share: Double
        switch self {
        case .rank(let k): return min(k, full)
        case .shareOfFullRank(let value): share = value * Double(full)
        case .shareOfUniform(let value):
            guard let uniformRank else { return 0 }
            share = value * Double(uniformRank)
        case .deepening:
            guard let uniformRank else { return 0 }
            share = Self.deepeningShare(budgetShare: budgetShare ?? 1) * Double(uniformRank)
        }
        guard share > 0 else { return 0 }
        return min(full, max(1, Int(share.rounded(.up))))
    }
}
