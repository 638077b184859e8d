import LinearAlgebra
import Planning
import SafeTensors

/// A plan's compressed layers computed in memory, without writing a checkpoint (`rankscope eval
/// --plan`): each layer goes through exactly the step `rankscope compress` runs
/// (``JobLayer/compress(from:settings:isCancelled:)``: same choice checks, same data-aware or plain
/// compressor, same output types), and the tensors it would write are decoded by the same
/// ``LayerDecoder`` that ``CompressedFolder`` uses on the written folder. So, for one checkpoint,
/// choices and settings, the result equals ``CompressedFolder/read(_:)`` of `compress`'s output,
/// bit for bit.
///
/// The choices come from the plan as `compress` resolves it (in the command-line target,
/// `CompressPlanInput.choices(planPath:catalog:useCache:jobs:statistics:)`, which gives both the
/// choices and the singular values to pass here).
///
/// Memory: each worker holds one layer's double-precision work at a time (budgeted as
/// ``CompressionJob/memoryNeeded(rows:columns:)``, or the data-aware figure, against `memoryLimit`);
/// the decoded layers themselves stay (4 bytes per stored value), since the runtime needs them all.
public enum InMemoryCompression {
    /// The decoded layers of `choices` applied to `checkpoint`, computed on up to `jobs` worker
    /// threads within `memoryLimit` bytes. Choices that keep a tensor as stored are left out.
    /// `singularValues` (descending, all of them; data-aware ones under statistics) only spare
    /// recomputing spectra for the estimates; they never change the layers.
    ///
    /// - Throws: ``JobError`` as ``CompressionJob`` would (an unknown or incompressible layer, an
    ///   impossible choice, missing statistics for a low-rank layer, a failed layer), before
    ///   anything is computed where it can; `LinearAlgebraError.cancelled` when `isCancelled` turns true.
    ///
    /// `onLayer(done, total)` is called after each layer (one call at a time), for progress. With
    /// `packedBackbones`, CALDERA layers are ``DecodedLinear/packedCaldera(_:bias:)``, as
    /// ``CompressedFolder/read(_:packedBackbones:)`` gives them.
    public static func decodedLayers(of checkpoint: Checkpoint, choices: [String: LayerChoice],
                                     singularValues: [String: [Double]] = [:], settings: LayerCompressionSettings = LayerCompressionSettings(),
                                     jobs: Int = 1, memoryLimit: Int = JobSettings.defaultMemoryLimit,
                                     isCancelled: @escaping @Sendable () -> Bool = { false }, packedBackbones: Bool = false,
                                     onLayer: @escaping (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> DecodedModel {
        let layers = try JobLayer.layers(of: checkpoint, choices: choices, singularValues: singularValues)
        if let statistics = settings.statistics { try CompressionJob.requireStatistics(statistics, for: layers, of: checkpoint) }
        let dataAware = settings.statistics != nil
        let results = try LayerWorkers.run(layers, workers: jobs, memoryLimit: memoryLimit,
                                           need: { dataAware ? CompressionJob.dataAwareMemoryNeeded(rows: $0.rows, columns: $0.columns)
                                                             : CompressionJob.memoryNeeded(rows: $0.rows, columns: $0.columns) },
                                           isCancelled: isCancelled, work: { layer in
            try decode(layer, of: checkpoint, settings: settings, packedBackbones: packedBackbones, isCancelled: isCancelled)
        }, finished: { _, _, done in onLayer(done, layers.count) })
        if results.count < layers.count { throw LinearAlgebraError.cancelled }
        return DecodedModel(checkpoint: checkpoint,
                            layers: Dictionary(uniqueKeysWithValues: layers.map { ($0.module, results[$0.ordinal]!) }),
                            replacedModules: layers.map(\.module))
    }

    /// One layer compressed as `compress` does and decoded from the tensors it would write; the bias
    /// is the checkpoint's `P.bias` (which the output copies byte for byte, as `P.1.bias` for factors).
    static func decode(_ layer: JobLayer, of checkpoint: Checkpoint, settings: LayerCompressionSettings, packedBackbones: Bool = false,
                       isCancelled: @escaping () -> Bool) throws -> DecodedLinear {
        let (compressed, _) = try layer.compress(from: checkpoint, settings: settings, isCancelled: isCancelled)
        let layout = StoredLayout(choice: layer.choice, rows: layer.rows, columns: layer.columns,
                                  materializeDense: settings.materializeDense, backboneCodebook: settings.codebook(for: layer.choice))
        let weight = try LayerDecoder(source: OutputTensorSource(compressed.tensors, label: checkpoint.path), module: layer.module,
                                      floatType: settings.outputType(forStored: layer.tensor.info.dtype),
                                      incoherenceSeed: settings.incoherenceSeed(module: layer.module, choice: layer.choice),
                                      packedBackbones: packedBackbones).weight(layout)
        let bias = try LayerDecoder(source: CheckpointSource(checkpoint: checkpoint), module: layer.module)
            .bias(layer.module + ".bias", of: layout)
        return weight.with(bias: bias)
    }
}
