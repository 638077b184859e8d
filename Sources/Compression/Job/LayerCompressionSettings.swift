import Planning
import SafeTensors

/// How every layer of a plan is compressed, whether to a folder (``CompressionJob``, which takes
/// these from its ``JobSettings``) or in memory (``InMemoryCompression``): the part of a job's
/// settings that decides a layer's bytes.
public struct LayerCompressionSettings: Sendable {
    /// The dtype of unquantized outputs; nil follows ``Planning/UnquantizedType``: BF16/F16 layers
    /// keep their type, F32 and F64 layers get BF16 (`compress --factor-type`).
    public var factorType: DType?
    /// CALDERA alternations per layer (`--caldera-iterations`).
    public var calderaIterations: Int
    /// Every compressed layer as one dense `P.weight` (W_k materialised) instead of factors (`--dense`).
    public var materializeDense: Bool
    /// Activation statistics (`--stats`): low-rank layers are compressed data-aware; nil by weight error.
    public var statistics: ActivationStatistics?
    /// Incoherence processing of CALDERA layers (`--incoherence`, ``Incoherence``): each is
    /// compressed as `U·W·Vᵀ` with the randomized Hadamard transforms of its seed.
    public var incoherence: Bool
    /// How CALDERA backbones are quantized (`--e8p`: ``BackboneCodebook/e8p``).
    public var backboneCodebook: BackboneCodebook = .scalar

    /// `compress`'s defaults: stored types, 10 CALDERA iterations, factors, no statistics, no incoherence processing.
    public init(factorType: DType? = nil, calderaIterations: Int = 10, materializeDense: Bool = false,
                statistics: ActivationStatistics? = nil, incoherence: Bool = false) {
        self.factorType = factorType
        self.calderaIterations = calderaIterations
        self.materializeDense = materializeDense
        self.statistics = statistics
        self.incoherence = incoherence
    }

    /// The incoherence seed of a layer with `choice` at module path `module`: its
    /// ``Incoherence/layerSeed(module:)`` for a CALDERA choice when ``incoherence`` is on, else nil.
    /// The one rule for the compressor, the decoder of an in-memory result and `config.json`.
    func incoherenceSeed(module: String, choice: LayerChoice) -> UInt64? {
        guard incoherence, case .lowRank(_, _, _, _?, _) = choice else { return nil }
        return Incoherence.layerSeed(module: module)
    }

    /// The backbone codebook of a layer with `choice`: E8P when the plan chose it for the layer
    /// (``Planning/LayerChoice/lowRank(rank:factorBits:groupSize:backboneBits:codebook:)``) or `--e8p`
    /// asks for it, for a CALDERA choice; scalar otherwise. The one rule for the compressor, the
    /// planned outputs, the decoder of an in-memory result and `config.json`.
    public func codebook(for choice: LayerChoice) -> BackboneCodebook {
        guard case let .lowRank(_, _, _, _?, codebook) = choice else { return .scalar }
        return codebook == .e8p || backboneCodebook == .e8p ? .e8p : .scalar
    }

    /// The output type for a layer stored as `stored`: `factorType` when set, else
    /// ``Planning/UnquantizedType/defaultType(forStored:)`` (BF16/F16 kept, BF16 for wider types),
    /// so that 16-bit outputs take the 2 bytes per value the plan counts.
    public func outputType(forStored stored: DType) -> DType {
        UnquantizedType.outputType(forStored: stored, requested: factorType)
    }
}
