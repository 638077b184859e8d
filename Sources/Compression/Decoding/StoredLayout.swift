import Planning

/// How one compressed layer's weight `P.weight` (m×n) is stored in a rankscope output, i.e. which
/// tensors under its module path `P` hold it (``FactorNaming``, ``QuantizedLayout``):
/// - ``Form/plain``: `P.weight` [m, n] at F32/F16/BF16 (a dense choice at 16 bits, or any layer of a
///   `--dense` output);
/// - ``Form/quantized(bits:groupSize:)``: `P.{qweight,scales,zeros}` with X = W (R = m, C = n);
/// - ``Form/factors(rank:bits:groupSize:backboneBits:backboneCodebook:)``: B under `P.0` and A under
///   `P.1` (plain `.weight` at 16 bits, else quantized with X = B and X = Aᵀ), plus the backbone Q
///   under `P.backbone` for CALDERA: quantized with X = Q, or `P.backbone.{e8p,e8p_scales}` with the
///   E8P codebook (plus `P.backbone.{e8p_residual,e8p_residual_scales}` at 3 and 4 bits, ``E8PBackbone``). The bias then lives at `P.1.bias`.
struct StoredLayout: Equatable, Sendable {
    /// The tensors holding the weight.
    enum Form: Equatable, Sendable {
        case plain
        case quantized(bits: Int, groupSize: Int)
        case factors(rank: Int, bits: Int, groupSize: Int, backboneBits: Int?, backboneCodebook: BackboneCodebook = .scalar)
    }

    /// m (output features).
    let rows: Int
    /// n (input features).
    let columns: Int
    /// Which tensors.
    let form: Form

    /// The layout a job writes for `choice` on an m×n weight (``MatrixCompressor``'s rules), CALDERA
    /// backbones quantized with `backboneCodebook`.
    init(choice: LayerChoice, rows: Int, columns: Int, materializeDense: Bool, backboneCodebook: BackboneCodebook = .scalar) {
        self.rows = rows
        self.columns = columns
        if materializeDense {
            form = .plain
            return
        }
        switch choice {
        case let .dense(bits, groupSize):
            form = (bits ?? 16) >= 16 ? .plain : .quantized(bits: bits!, groupSize: groupSize)
        case let .lowRank(rank, factorBits, groupSize, backboneBits, _):
            form = .factors(rank: rank, bits: factorBits, groupSize: groupSize, backboneBits: backboneBits,
                            backboneCodebook: backboneBits == nil ? .scalar : backboneCodebook)
        }
    }

    /// A layout stated directly.
    init(rows: Int, columns: Int, form: Form) {
        self.rows = rows
        self.columns = columns
        self.form = form
    }

    /// True when the weight became factors, so the bias moved from `P.bias` to `P.1.bias`.
    var isFactorized: Bool {
        if case .factors = form { return true }
        return false
    }

    /// Where the layer's bias is in the output: `P.1.bias` for factors, else `P.bias`.
    func biasName(module: String) -> String {
        isFactorized ? FactorNaming.bias(module: module) : module + ".bias"
    }
}
