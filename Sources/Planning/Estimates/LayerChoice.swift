/// What a plan does with one tensor.
///
/// Bit widths: 16 means BF16/F16 with no scales; 8, 4, 3 and 2 mean group-wise asymmetric
/// round-to-nearest quantization with one 16-bit scale and one 16-bit zero point per group
/// (see ``GroupQuantization``). A backbone is the CALDERA `Q` of `W ≈ Q + L·R`.
public enum LayerChoice: Sendable, Equatable, Hashable {
    /// Keep the matrix dense: at its stored type (`bits == nil`) or quantized to `bits` ∈ {16, 8, 4, 3, 2}
    /// with groups of `groupSize` along the input dimension.
    case dense(bits: Int? = nil, groupSize: Int = 128)
    /// `W ≈ A·B` (LoRD), or `W ≈ Q + A·B` (CALDERA) when `backboneBits` is set.
    /// A is m×rank, B is rank×n, both at `factorBits`; Q is m×n at `backboneBits` ∈ {2, 3, 4},
    /// quantized with `codebook` (E8P at 2, 3 or 4 bits: ``BackboneCodebook/e8pStages(bits:)``; n a multiple
    /// of 8; ignored without a backbone).
    case lowRank(rank: Int, factorBits: Int = 16, groupSize: Int = 128, backboneBits: Int? = nil,
                 codebook: BackboneCodebook = .scalar)

    /// Bit widths a dense matrix or a factor may use.
    public static let supportedFactorBits: Set<Int> = [16, 8, 4, 3, 2]
    /// Bit widths a CALDERA backbone may use.
    public static let supportedBackboneBits: Set<Int> = [2, 3, 4]
    /// The default quantization group size.
    public static let defaultGroupSize = 128

    /// The stored tensor unchanged.
    public static let keep = LayerChoice.dense(bits: nil, groupSize: defaultGroupSize)

    /// False for the tensor kept as stored (dense at its stored type, whatever the group size,
    /// which only matters when quantizing).
    public var changesStoredTensor: Bool {
        if case .dense(bits: nil, _) = self { return false }
        return true
    }

    /// The rank of a low-rank choice, nil for dense.
    public var rank: Int? {
        if case .lowRank(let rank, _, _, _, _) = self { return rank }
        return nil
    }

    /// Throws the first problem that makes this choice impossible for a rows×columns matrix
    /// (`rows`/`columns` nil for a tensor that is not 2-D).
    public func validate(tensor: String, rows: Int?, columns: Int?) throws {
        switch self {
        case let .dense(bits, groupSize):
            if let bits {
                guard LayerChoice.supportedFactorBits.contains(bits) else {
                    throw PlanError.unsupportedDenseBits(tensor: tensor, bits: bits)
                }
                guard rows != nil else { throw PlanError.notAMatrix(tensor: tensor) }
                if bits < 16, groupSize < 1 { throw PlanError.invalidGroupSize(tensor: tensor, groupSize: groupSize) }
            }
        case let .lowRank(rank, factorBits, groupSize, backboneBits, codebook):
            guard let rows, let columns else { throw PlanError.notAMatrix(tensor: tensor) }
            if rank < 0 { throw PlanError.negativeRank(tensor: tensor, rank: rank) }
            if rank > min(rows, columns) {
                throw PlanError.rankAboveFullRank(tensor: tensor, rank: rank, fullRank: min(rows, columns))
            }
            guard LayerChoice.supportedFactorBits.contains(factorBits) else {
                throw PlanError.unsupportedFactorBits(tensor: tensor, bits: factorBits)
            }
            if let backboneBits, !LayerChoice.supportedBackboneBits.contains(backboneBits) {
                throw PlanError.unsupportedBackboneBits(tensor: tensor, bits: backboneBits)
            }
            if codebook == .e8p, backboneBits != nil, columns % 8 != 0 {
                throw PlanError.e8pNeedsMultipleOfEight(tensor: tensor, columns: columns)
            }
            if (factorBits < 16 || backboneBits != nil), groupSize < 1 {
                throw PlanError.invalidGroupSize(tensor: tensor, groupSize: groupSize)
            }
        }
    }
}
