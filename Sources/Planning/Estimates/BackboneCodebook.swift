/// How a CALDERA backbone Q is quantized: part of a layer's ``LayerChoice`` (the plan's
/// `backbone_codebook`, `plan --e8p`, `compress --e8p`).
public enum BackboneCodebook: String, Sendable, Equatable, Hashable, CaseIterable {
    /// Round-to-nearest groups at the plan's backbone bits (Compression's `QuantizedMatrix`; LDLQ with
    /// statistics), written as `P.backbone.{qweight,scales,zeros}`.
    case scalar
    /// QuIP#'s E8P lattice (Compression's `E8PCodebook`), one F16 scale per row (`E8PMatrix`), at the
    /// backbone bits as residual vector quantization (QuIP#'s RVQ; Compression's `E8PBackbone`):
    /// 2 bits are E8P alone; 3 bits add a 1-bit stage (a ±1 sign per weight at a second row scale) on
    /// E8P's residual; 4 bits add a second E8P stage on the residual at its own row scale
    /// (``e8pStages(bits:)``). Only with a multiple of 8 columns; written as `P.backbone.{e8p,e8p_scales}`
    /// (plus `P.backbone.{e8p_residual,e8p_residual_scales}` at 3 and 4 bits) with
    /// `"backbone_codebook": "e8p"` in the layer's config entry. With statistics it is quantized by
    /// block LDLQ (Compression's `HessianQuantizer.quantizeE8P`).
    case e8p

    /// The codebook of a matrix with `columns` columns when this one comes from a default (`plan
    /// --e8p`, the plan's `defaults`, the allocator's): E8P quantizes 8 columns at a time, so a
    /// matrix whose columns are not a multiple of 8 falls back to scalar groups (and `plan` says
    /// so); a rule or override naming E8P for such a matrix is refused by name instead.
    public func fallingBack(columns: Int) -> BackboneCodebook {
        self == .e8p && columns % 8 != 0 ? .scalar : self
    }

    /// The stages of an E8P backbone at `bits` (2, 3 or 4): the one rule for what each width means,
    /// used by the plan's bytes and noise, the compressor's quantizer, the planned tensors and the decoder.
    public enum E8PStages: Equatable, Sendable {
        /// E8P alone: 2 bits per weight.
        case lattice
        /// E8P, then a ±1 sign per weight on its residual at a per-row scale: 3 bits per weight.
        case latticeAndSigns
        /// E8P, then E8P again on its residual at its own per-row scale: 4 bits per weight.
        case latticeAndLattice
    }

    /// The E8P stages of a backbone at `bits`; nil for widths E8P has no variant for (only 2, 3, 4).
    public static func e8pStages(bits: Int) -> E8PStages? {
        switch bits {
        case 2: return .lattice
        case 3: return .latticeAndSigns
        case 4: return .latticeAndLattice
        default: return nil
        }
    }

    /// Bytes of an m×n backbone under this codebook: ``GroupQuantization/denseBytes(rows:columns:bits:groupSize:)``
    /// for scalar groups; for E8P at b bits b·m·n/8 of codes and one F16 scale per row and stage:
    /// 2·m·n/8 + 2·m (2 bits), 3·m·n/8 + 4·m (3 bits), 4·m·n/8 + 4·m (4 bits).
    public func backboneBytes(rows: Int, columns: Int, bits: Int, groupSize: Int) -> Int {
        switch self {
        case .scalar: return GroupQuantization.denseBytes(rows: rows, columns: columns, bits: bits, groupSize: groupSize)
        case .e8p:
            let stages = BackboneCodebook.e8pStages(bits: bits) == .lattice ? 1 : 2
            return bits * rows * (columns / 8) + 2 * rows * stages
        }
    }

    /// The backbone's noise energy as a fraction of the energy it quantizes (c_Q of ``LayerEstimate``):
    /// ``GroupQuantization/noiseFraction(bits:length:groupSize:)`` for scalar groups; for E8P the
    /// measured constant of its width, ``e8pNoiseFraction(bits:)``.
    public func noiseFraction(bits: Int, columns: Int, groupSize: Int) -> Double {
        switch self {
        case .scalar: return GroupQuantization.noiseFraction(bits: bits, length: columns, groupSize: groupSize)
        case .e8p: return BackboneCodebook.e8pNoiseFraction(bits: bits)
        }
    }

    /// E8P's relative squared error ‖Q − Q̂‖²/‖Q‖² on rows of independent Gaussians scaled by their
    /// RMS (what incoherence processing makes a backbone look like): 0.092, measured with
    /// Compression's `E8PMatrix` on 256×1024 Gaussian matrices (see docs/compression.md for how it
    /// holds on real layers).
    public static let e8pNoiseFraction = 0.092

    /// The relative squared error of an E8P backbone at `bits` on RMS-scaled Gaussian rows, measured
    /// with Compression's `E8PBackbone` on 256×1024 Gaussian matrices (`E8PBackboneTests` checks
    /// each within 3% on 128×512 ones): ``e8pNoiseFraction`` at 2 bits; 0.0325 at 3 (E8P + signs; a
    /// 3-bit scalar Lloyd–Max grid: 0.0345, round-to-nearest groups of 128: 0.046); 0.0091 at 4
    /// (E8P + E8P; Lloyd–Max: 0.0095, groups of 128: 0.0100).
    public static func e8pNoiseFraction(bits: Int) -> Double {
        switch e8pStages(bits: bits) {
        case .latticeAndSigns: return 0.0325
        case .latticeAndLattice: return 0.0091
        case .lattice, nil: return e8pNoiseFraction
        }
    }
}
