/// The settings one rule or override states; nil (or absent from the file) means "not stated
/// here", so an earlier rule or the defaults decide.
///
/// Every field is merged on its own: a later rule that sets only `bits` keeps the rank an
/// earlier rule chose.
public struct PlanSettings: Sendable, Equatable, Hashable {
    /// Rank, keep dense, or exclude.
    public var action: PlanAction?
    /// Factor bits (16, 8, 4, 3, 2).
    public var factorBits: Int?
    /// Quantization group size (≥ 1).
    public var groupSize: Int?
    /// Backbone bits: `.some(nil)` (`"backbone_bits": null`) removes a backbone the defaults set.
    public var backboneBits: Int??
    /// The backbone's codebook (`"backbone_codebook"`: `"scalar"` or `"e8p"`).
    public var backboneCodebook: BackboneCodebook?
    /// Bits of a matrix kept dense (16, 8, 4, 3, 2); unset keeps the stored type.
    public var denseBits: Int?
    /// True: the allocator must not change the choice; false undoes an earlier lock.
    public var lock: Bool?
    /// The least rank the allocator may choose.
    public var floor: Int?
    /// Factor bit widths the allocator may choose among for a free matrix (besides the default's), ascending.
    public var allowedBits: [Int]?

    /// Settings; every field defaults to "not stated".
    public init(action: PlanAction? = nil, factorBits: Int? = nil, groupSize: Int? = nil, backboneBits: Int?? = nil,
                denseBits: Int? = nil, lock: Bool? = nil, floor: Int? = nil, allowedBits: [Int]? = nil) {
        self.action = action
        self.factorBits = factorBits
        self.groupSize = groupSize
        self.backboneBits = backboneBits
        self.denseBits = denseBits
        self.lock = lock
        self.floor = floor
        self.allowedBits = allowedBits
    }
}
