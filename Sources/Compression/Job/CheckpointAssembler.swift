import Foundation
import SafeTensors
import StrictJSON

/// Writes the output checkpoint's shards and `model.safetensors.index.json` from the input and
/// the journal's finished layers: every untouched tensor copied byte for byte (same name, dtype,
/// shape and bytes), each compressed layer's weight replaced by its tensors at the weight's place,
/// and the bias of a factorized layer renamed `P.1.bias` (``FactorNaming``).
///
/// Bytes stream from memory-mapped files into ``SafeTensorsWriter``s, which write each shard under
/// a temporary name and rename it when complete; memory stays bounded by the writer's buffer.
/// The output is a function of the input, the layers and the shard size alone, so a resumed job
/// writes exactly the bytes an uninterrupted one does.
struct CheckpointAssembler {
    let checkpoint: Checkpoint
    let layers: [JobLayer]
    let journal: JobJournal
    let settings: JobSettings
    let isCancelled: () -> Bool

    /// What was written.
    struct Written {
        /// Shard file names in order.
        let shards: [String]
        /// Sum of all tensors' bytes (the index's `metadata.total_size`).
        let totalSize: Int
    }

    /// Every output tensor in output order (checkpoint order, compressed layers' tensors by name).
    func entries() throws -> [OutputEntry] {
        try CheckpointAssembler.entries(of: checkpoint, layers: layers, materializeDense: settings.materializeDense) { layer in
            let path = journal.layerPath(layer)
            let file = try SafeTensorsFile(path: path)
            return file.tensors.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }).map { produced in
                OutputEntry(name: produced.name, dtype: produced.dtype, shape: produced.shape,
                            byteCount: produced.byteCount, source: .journal(path: path, info: produced))
            }
        }
    }

    /// The shards' metadata, as `save_pretrained` writes it.
    static let shardMetadata = ["format": "pt"]

    /// Every output tensor in output order: `checkpoint`'s tensors in order, each compressed
    /// layer's weight replaced by `produced(layer)` (sorted by name), a factorized layer's bias renamed.
    static func entries(of checkpoint: Checkpoint, layers: [JobLayer], materializeDense: Bool,
                        produced: (JobLayer) throws -> [OutputEntry]) throws -> [OutputEntry] {
        let layerByName = Dictionary(uniqueKeysWithValues: layers.map { ($0.name, $0) })
        var renamedBiases: [String: String] = [:]
        for layer in layers where layer.isFactorized(materializeDense: materializeDense) {
            renamedBiases[layer.module + ".bias"] = FactorNaming.bias(module: layer.module)
        }
        var entries: [OutputEntry] = []
        var seen = Set<String>()
        func add(_ entry: OutputEntry) throws {
            guard seen.insert(entry.name).inserted else { throw JobError.duplicateOutputName(tensor: entry.name) }
            entries.append(entry)
        }
        for tensor in checkpoint.tensors {
            let info = tensor.info
            if let layer = layerByName[tensor.name] {
                for entry in try produced(layer) { try add(entry) }
            } else {
                try add(OutputEntry(name: renamedBiases[tensor.name] ?? tensor.name, dtype: info.dtype, shape: info.shape,
                                    byteCount: info.byteCount, source: .input(tensor)))
            }
        }
        return entries
    }

    /// Writes the shards and the index into the output folder, calling `onShard(name, index, count)`
    /// before each shard.
    func write(onShard: (String, Int, Int) -> Void) throws -> Written {
        let plan = ShardPlan(try entries(), maxShardSize: settings.maxShardSize)
        var weightMap: [(String, String)] = []
        var totalSize = 0
        for (index, shard) in plan.shards.enumerated() {
            let name = plan.fileName(index)
            onShard(name, index + 1, plan.shards.count)
            try writeShard(shard, to: settings.outputFolder + "/" + name)
            for entry in shard {
                weightMap.append((entry.name, name))
                totalSize += entry.byteCount
            }
        }
        try writeIndex(weightMap: weightMap, totalSize: totalSize)
        return Written(shards: plan.shards.indices.map(plan.fileName), totalSize: totalSize)
    }

    private func writeShard(_ shard: [OutputEntry], to path: String) throws {
        let writer = try SafeTensorsWriter(path: path, tensors: shard.map(\.spec), metadata: CheckpointAssembler.shardMetadata)
        let byName = Dictionary(uniqueKeysWithValues: shard.map { ($0.name, $0) })
        var journalFiles: [String: SafeTensorsFile] = [:]
        for info in writer.layout {
            if isCancelled() {
                writer.abandon()
                throw CancellationError()
            }
            switch byName[info.name]!.source {
            case .input(let tensor):
                try checkpoint.withBytes(of: tensor) { try writer.append($0) }
            case .journal(let file, let produced):
                if journalFiles[file] == nil { journalFiles[file] = try SafeTensorsFile(path: file) }
                try journalFiles[file]!.withBytes(of: produced) { try writer.append($0) }
            case .planned:
                preconditionFailure("a forecast entry has no bytes to write")
            }
        }
        try writer.finish()
    }

    /// `{"metadata": {"total_size": N}, "weight_map": {tensor: shard, …}}`, keys sorted as
    /// Transformers sorts them, two-space indentation.
    private func writeIndex(weightMap: [(String, String)], totalSize: Int) throws {
        try OutputFiles.write(CheckpointAssembler.indexBytes(weightMap: weightMap, totalSize: totalSize),
                              to: settings.outputFolder + "/" + Checkpoint.standardIndexName)
    }

    /// The index file's bytes for `weightMap` (tensor → shard) and `totalSize`.
    static func indexBytes(weightMap: [(String, String)], totalSize: Int) -> [UInt8] {
        let sorted = weightMap.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        let root: JSONObject = [
            "metadata": .object(["total_size": .number(JSONNumber(totalSize))]),
            "weight_map": .object(JSONObject(sorted.map { ($0.0, JSONValue.string($0.1)) })),
        ]
        return JSONWriter.bytes(.object(root), pretty: true) + [0x0A]
    }
}
