/// How a CALDERA backbone Q is quantized: part of a layer's ``LayerChoice`` (the plan's
/// `backbone_codebook`, `plan --e8p`, `compress --e8p`).
public enum BackboneCodebook: String, Sendable, Equatable, Hashable, CaseIterable {
    /// Round-to-nearest groups at the plan's backbone bits (Compression's `QuantizedMatrix`; LDLQ with
    /// statistics), written as `P.backbone.{qweight,scales,zeros}`.
    case scalar
    /// QuIP#'s 2-bit E8P lattice (Compression's `E8PCodebook`), one F16 scale per row (`E8PMatrix`):
    /// 2 bits per weight, so only with 2 backbone bits and a multiple of 8 columns, written as
    /// `P.backbone.{e8p,e8p_scales}` with `"backbone_codebook": "e8p"` in the layer's config entry.
    /// With statistics it is quantized by block LDLQ (Compression's `HessianQuantizer.quantizeE8P`).
    case e8p

    /// The codebook of a matrix with `columns` columns when this one comes from a default (`plan
    /// --e8p`, the plan's `defaults`, the allocator's): E8P quantizes 8 columns at a time, so a
    /// matrix whose columns are not a multiple of 8 falls back to scalar groups (and `plan` says
    /// so); a rule or override naming E8P for such a matrix is refused by name instead.
    public func fallingBack(columns: Int) -> BackboneCodebook {
        self == .e8p && columns % 8 != 0 ? .scalar : self
    }

    /// Bytes of an m×n backbone under this codebook: ``GroupQuantization/denseBytes(rows:columns:bits:groupSize:)``
    /// for scalar groups; for E8P one 16-bit code per 8 weights and one F16 scale per row, 2·m·n/8 + 2·m.
    public func backboneBytes(rows: Int, columns: Int, bits: Int, groupSize: Int) -> Int {
        switch self {
        case .scalar: return GroupQuantization.denseBytes(rows: rows, columns: columns, bits: bits, groupSize: groupSize)
        case .e8p: return 2 * rows * (columns / 8) + 2 * rows
        }
    }

    /// The backbone's noise energy as a fraction of the energy it quantizes (c_Q of ``LayerEstimate``):
    /// ``GroupQuantization/noiseFraction(bits:length:groupSize:)`` for scalar groups; for E8P the
    /// constant ``e8pNoiseFraction``.
    public func noiseFraction(bits: Int, columns: Int, groupSize: Int) -> Double {
        switch self {
        case .scalar: return GroupQuantization.noiseFraction(bits: bits, length: columns, groupSize: groupSize)
        case .e8p: return BackboneCodebook.e8pNoiseFraction
        }
    }

    /// E8P's relative squared error ‖Q − Q̂‖²/‖Q‖² on rows of independent Gaussians scaled by their
    /// RMS (what incoherence processing makes a backbone look like): 0.092, measured with
    /// Compression's `E8PMatrix` on 256×1024 Gaussian matrices (see docs/compression.md for how it
    /// holds on real layers).
    public static let e8pNoiseFraction = 0.092
}
