import Planning

/// A layer's choice in the flat form the report and `config.json` state it.
struct ChoiceSummary: Equatable {
    /// `"rank"` (LoRD), `"caldera"` or `"dense"`.
    let method: String
    /// The rank of factorized layers.
    let rank: Int?
    /// Bits of the factors, or of a dense matrix (its stored width when kept as stored).
    let bits: Int
    /// Bits of a CALDERA backbone.
    let backboneBits: Int?
    /// Quantization group size.
    let groupSize: Int

    /// The summary of `choice` for a tensor stored at `storedBits`.
    init(_ choice: LayerChoice, storedBits: Int) {
        switch choice {
        case let .dense(denseBits, groupSize):
            method = "dense"
            rank = nil
            bits = denseBits ?? storedBits
            backboneBits = nil
            self.groupSize = groupSize
        case let .lowRank(k, factorBits, groupSize, backbone, _):
            method = backbone == nil ? "rank" : "caldera"
            rank = k
            bits = factorBits
            backboneBits = backbone
            self.groupSize = groupSize
        }
    }
}
