import Planning
import SafeTensors

/// How a ``CompressionJob`` writes its output folder.
public struct JobSettings: Sendable {
    /// The output folder.
    public var outputFolder: String
    /// Replace an existing output folder (its whole content).
    public var force: Bool
    /// Continue the interrupted job in the output folder, reusing its finished layers; a folder
    /// that does not exist yet simply starts a new job.
    public var resume: Bool
    /// Layers compressed at the same time (at least 1).
    public var jobs: Int
    /// Bytes the layers in flight may use together (see ``CompressionJob/memoryNeeded(rows:columns:)``);
    /// a single layer above it still runs, alone.
    public var memoryLimit: Int
    /// The largest shard, in bytes of tensor data: a new shard starts when the next tensor would
    /// pass it (Hugging Face's rule; a tensor larger than the limit gets a shard of its own).
    public var maxShardSize: Int
    /// The dtype of unquantized outputs; nil follows ``Planning/UnquantizedType``: BF16/F16 layers
    /// keep their type, F32 and F64 layers get BF16 (the 2 bytes per value the plan counts).
    public var factorType: DType?
    /// Write every compressed layer as one dense `P.weight` (W_k materialised) instead of factors.
    public var materializeDense: Bool
    /// CALDERA alternations per layer.
    public var calderaIterations: Int
    /// Compress only this part of the layers and keep them in the journal, without assembling the
    /// checkpoint (`rankscope compress --shard I/N`); nil compresses every layer.
    public var shard: JobShard?
    /// Output folders of `--shard` runs of the same job whose finished layers are taken over before
    /// anything is compressed (`rankscope merge`); every layer must be found in one of them.
    public var mergeFrom: [String]
    /// The plan file's path, recorded in the report (nil when the choices came from elsewhere).
    public var planLabel: String?
    /// Activation statistics (`rankscope compress --stats FILE`): low-rank layers are then
    /// compressed data-aware (``DataAwareCompressor``), every layer with statistics also reports
    /// its measured output error ‖(W − Ŵ)·X‖/‖W·X‖, and the file is part of the job's description
    /// (so `--resume` and `merge` refuse other statistics). Nil compresses by weight error alone.
    public var statistics: ActivationStatistics?
    /// Incoherence processing of CALDERA layers (`compress --incoherence`, ``LayerCompressionSettings/incoherence``).
    public var incoherence: Bool
    /// How CALDERA backbones are quantized (`compress --e8p`).
    public var backboneCodebook: BackboneCodebook = .scalar

    /// Hugging Face's default shard size, 5 GB (5·10⁹ bytes).
    public static let defaultMaxShardSize = 5_000_000_000
    /// The default memory limit, 4 GB.
    public static let defaultMemoryLimit = 4_000_000_000

    /// Settings with the defaults: no force, no resume, one job, 4 GB, 5 GB shards, stored types,
    /// factors, 10 CALDERA iterations, no statistics.
    public init(outputFolder: String, force: Bool = false, resume: Bool = false, jobs: Int = 1,
                memoryLimit: Int = JobSettings.defaultMemoryLimit, maxShardSize: Int = JobSettings.defaultMaxShardSize,
                factorType: DType? = nil, materializeDense: Bool = false, calderaIterations: Int = 10, planLabel: String? = nil,
                shard: JobShard? = nil, mergeFrom: [String] = [], statistics: ActivationStatistics? = nil,
                incoherence: Bool = false) {
        self.outputFolder = outputFolder
        self.force = force
        self.resume = resume
        self.jobs = jobs
        self.memoryLimit = memoryLimit
        self.maxShardSize = maxShardSize
        self.factorType = factorType
        self.materializeDense = materializeDense
        self.calderaIterations = calderaIterations
        self.planLabel = planLabel
        self.shard = shard
        self.mergeFrom = mergeFrom
        self.statistics = statistics
        self.incoherence = incoherence
    }

    /// How each layer is compressed (the settings that decide its bytes).
    public var layerSettings: LayerCompressionSettings {
        var settings = LayerCompressionSettings(factorType: factorType, calderaIterations: calderaIterations,
                                                materializeDense: materializeDense, statistics: statistics, incoherence: incoherence)
        settings.backboneCodebook = backboneCodebook
        return settings
    }

    /// The output type for a layer stored as `stored` (``LayerCompressionSettings/outputType(forStored:)``).
    func outputType(forStored stored: DType) -> DType {
        layerSettings.outputType(forStored: stored)
    }
}
