/// Where factors stop paying: a rank whose factors cost at least the dense matrix at the factors'
/// bit width is never worth having, since the dense matrix at those bits is no larger and as exact
/// (for CALDERA the factors alone are compared: its backbone is paid at any rank, and the whole is
/// weighed against the dense candidate below by cost). The allocator never chooses such
/// a rank (``RankChain``), and a plan that asks for one gets a warning naming it (``warning(tensor:choice:)``).
///
/// The dense candidate the allocator weighs ranks against is the matrix at 16 bits when it is
/// stored wider (F32, F64: the same modelled error as keeping it, at half the bytes or less, and
/// what `compress` writes for 16 bits), and the matrix as stored otherwise.
public enum BreakEven {
    /// `.dense(bits: 16)` for a matrix stored wider than 16 bits, `.keep` otherwise.
    public static func denseChoice(for tensor: PlannedTensor, groupSize: Int) -> LayerChoice {
        tensor.storedBits > 16 ? .dense(bits: 16, groupSize: groupSize) : .keep
    }

    /// Bytes of ``denseChoice(for:groupSize:)``.
    public static func denseBytes(for tensor: PlannedTensor, groupSize: Int) -> Int {
        guard tensor.storedBits > 16, let (m, n) = tensor.matrixShape else { return tensor.storedBytes }
        return GroupQuantization.denseBytes(rows: m, columns: n, bits: 16, groupSize: groupSize)
    }

    /// The first rank whose factors cost at least the dense rows×columns matrix at `factorBits`:
    /// min(m, n) + 1 when every rank stays below it.
    public static func rank(rows: Int, columns: Int, factorBits: Int, groupSize: Int) -> Int {
        let dense = GroupQuantization.denseBytes(rows: rows, columns: columns, bits: factorBits, groupSize: groupSize)
        var low = 0
        var high = min(rows, columns) + 1
        while low < high {  // first k with cost(k) ≥ dense (cost rises with k)
            let middle = (low + high) / 2
            if GroupQuantization.factorBytes(rows: rows, columns: columns, rank: middle, bits: factorBits, groupSize: groupSize) >= dense {
                high = middle
            } else {
                low = middle + 1
            }
        }
        return low
    }

    /// One sentence when `choice` is a rank at or past break-even for `tensor`, nil otherwise.
    public static func warning(tensor: PlannedTensor, choice: LayerChoice) -> String? {
        guard case let .lowRank(rank, factorBits, groupSize, backboneBits, _) = choice, let (m, n) = tensor.matrixShape,
              LayerChoice.supportedFactorBits.contains(factorBits) else { return nil }
        let first = BreakEven.rank(rows: m, columns: n, factorBits: factorBits, groupSize: groupSize)
        guard rank >= first else { return nil }
        let cost = GroupQuantization.factorBytes(rows: m, columns: n, rank: rank, bits: factorBits, groupSize: groupSize)
        let dense = GroupQuantization.denseBytes(rows: m, columns: n, bits: factorBits, groupSize: groupSize)
        let advice = first > 0 ? "use a rank below \(first) or keep it dense at \(factorBits) bits" : "keep it dense at \(factorBits) bits"
        return "\(tensor.name): rank \(rank) at \(factorBits)-bit factors\(backboneBits.map { " (beside a \($0)-bit backbone)" } ?? "") "
            + "takes \(cost) bytes, at least the dense \(m)×\(n) matrix at \(factorBits) bits (\(dense) bytes), past break-even; \(advice)."
    }
}
