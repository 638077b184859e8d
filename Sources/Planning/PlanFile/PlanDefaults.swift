/// The settings every compressible matrix starts from before rules and overrides apply, and
/// that the budget allocator uses for the layers it chooses.
public struct PlanDefaults: Sendable, Equatable, Hashable {
    /// Bits of low-rank factors (16, 8, 4, 3, 2).
    public var factorBits: Int
    /// Quantization group size (≥ 1).
    public var groupSize: Int
    /// CALDERA backbone bits (2, 3, 4), or nil for plain LoRD factors.
    public var backboneBits: Int?
    /// How CALDERA backbones are quantized (plan file `"backbone_codebook"`, `plan --e8p`).
    public var backboneCodebook: BackboneCodebook = .scalar
    /// How the allocator combines per-matrix errors (plan file `"objective"`).
    public var objective: AllocationObjective
    /// The allocator's least rank of a free matrix (plan file `"min_rank"`).
    public var minimumRank: MinimumRank

    /// Defaults: 16-bit factors, groups of 128, no backbone, the standard objective and minimum rank.
    public init(factorBits: Int = 16, groupSize: Int = LayerChoice.defaultGroupSize, backboneBits: Int? = nil,
                objective: AllocationObjective = .standard, minimumRank: MinimumRank = .standard) {
        self.factorBits = factorBits
        self.groupSize = groupSize
        self.backboneBits = backboneBits
        self.objective = objective
        self.minimumRank = minimumRank
    }
}
