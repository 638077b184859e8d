import Planning
import SafeTensors

/// The size of the checkpoint `compress` writes for a plan, to the byte, from shapes alone:
/// the shards (8-byte length, JSON header padded as the writer pads it, tensor data) cut at the
/// job's shard size, and `model.safetensors.index.json`. `config.json`, the report and copied
/// side files are not counted.
public struct OutputForecast: Sendable, Equatable {
    /// Tensor data bytes: the index's `metadata.total_size` and the plan's model bytes after.
    public let tensorBytes: Int
    /// The shard files' sizes summed: tensor data plus each shard's 8-byte prefix and header.
    public let shardBytes: Int
    /// The index file's size.
    public let indexBytes: Int

    /// Everything counted: shards and index.
    public var totalBytes: Int { shardBytes + indexBytes }
    /// Headers, length prefixes and index: what comes on top of the tensor data.
    public var overheadBytes: Int { totalBytes - tensorBytes }

    /// Forecasts the output of a job over `checkpoint` with `choices` and `settings` (its shard
    /// size, output types and `--dense`), without compressing anything.
    ///
    /// - Throws: ``JobError`` for a choice the job would refuse.
    public init(checkpoint: Checkpoint, choices: [String: LayerChoice], settings: JobSettings) throws {
        let layers = try JobLayer.layers(of: checkpoint, choices: choices, singularValues: [:])
        let layerSettings = settings.layerSettings
        let entries = try CheckpointAssembler.entries(of: checkpoint, layers: layers, materializeDense: settings.materializeDense) { layer in
            try layer.plannedOutputs(settings: layerSettings).map { spec in
                guard let info = TensorInfo(name: spec.name, dtype: spec.dtype, shape: spec.shape, dataBegin: 0) else {
                    throw JobError.notCompressible(checkpoint: checkpoint.path, tensor: layer.name, reason: "its output tensor \(spec.name) is too large")
                }
                return OutputEntry(name: spec.name, dtype: spec.dtype, shape: spec.shape, byteCount: info.byteCount, source: .planned)
            }
        }
        let plan = ShardPlan(entries, maxShardSize: settings.maxShardSize)
        var shardBytes = 0
        var weightMap: [(String, String)] = []
        var tensorBytes = 0
        for (index, shard) in plan.shards.enumerated() {
            let (header, layout) = try SafeTensorsWriter.serializedHeader(tensors: shard.map(\.spec), metadata: CheckpointAssembler.shardMetadata)
            shardBytes += 8 + header.count + (layout.last?.dataEnd ?? 0)
            for entry in shard {
                weightMap.append((entry.name, plan.fileName(index)))
                tensorBytes += entry.byteCount
            }
        }
        self.tensorBytes = tensorBytes
        self.shardBytes = shardBytes
        indexBytes = CheckpointAssembler.indexBytes(weightMap: weightMap, totalSize: tensorBytes).count
    }
}
