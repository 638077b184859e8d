import Planning
import SafeTensors

/// The `rankscope inspect --json` document. Schema (all sizes exact integers):
///
/// ```
/// { "path": String, "kind": "file" | "folder" | "sharded" | "gguf", "files": [String],
///   "config": { "architecture", "model_type", "layers", "hidden_size", "intermediate_size",
///               "attention_heads", "key_value_heads", "vocab_size" } (each left out when unknown),
///   "metadata": { String: String },
///   "groups": [ { "title": String, "block": Int, "parameters": Int, "bytes": Int,
///                 "tensors": [ { "name", "role", "kind", "compressible": Bool, "dtype",
///                                "shape": [Int], "parameters", "bytes", "bits_per_weight": Double,
///                                "file" } ] } ],
///   "totals": { "tensors", "parameters", "bytes", "compressible_parameters" } }
/// ```
/// ("dtype" is a GGUF tensor's own type, e.g. "Q4_K", and "bytes" and "bits_per_weight" its real
/// storage.) `config`, `metadata` and a group's `block` are left out when there are none.
struct InspectReport: Encodable {
    struct Config: Encodable {
        let architecture: String?
        let modelType: String?
        let layers: Int?
        let hiddenSize: Int?
        let intermediateSize: Int?
        let attentionHeads: Int?
        let keyValueHeads: Int?
        let vocabSize: Int?
    }

    struct Tensor: Encodable {
        let name: String
        let role: String
        let kind: String
        let compressible: Bool
        let dtype: String
        let shape: [Int]
        let parameters: Int
        let bytes: Int
        let bitsPerWeight: Double
        let file: String
    }

    struct Group: Encodable {
        let title: String
        let block: Int?
        let parameters: Int
        let bytes: Int
        let tensors: [Tensor]
    }

    struct Totals: Encodable {
        let tensors: Int
        let parameters: Int
        let bytes: Int
        let compressibleParameters: Int
    }

    let path: String
    let kind: String
    let files: [String]
    let config: Config?
    let metadata: [String: String]?
    let groups: [Group]
    let totals: Totals

    init(catalog: LayerCatalog) {
        let checkpoint = catalog.checkpoint
        path = checkpoint.path
        kind = InspectCommand.kindName(checkpoint.kind)
        files = checkpoint.source == nil ? checkpoint.files.map(\.path) : [checkpoint.path]
        config = checkpoint.config.map {
            Config(architecture: $0.architecture, modelType: $0.modelType, layers: $0.layerCount, hiddenSize: $0.hiddenSize,
                   intermediateSize: $0.intermediateSize, attentionHeads: $0.attentionHeads, keyValueHeads: $0.keyValueHeads,
                   vocabSize: $0.vocabSize)
        }
        metadata = checkpoint.metadata
        groups = catalog.groups.map { group in
            Group(title: group.title, block: group.block, parameters: group.parameterCount, bytes: group.byteCount,
                  tensors: group.entries.map { entry in
                      Tensor(name: entry.info.name, role: entry.name.role, kind: entry.kind.rawValue,
                             compressible: entry.isCompressible, dtype: entry.tensor.typeName,
                             shape: entry.info.shape, parameters: entry.info.elementCount,
                             bytes: entry.tensor.byteCount, bitsPerWeight: entry.tensor.bitsPerWeight,
                             file: checkpoint.file(of: entry.tensor)?.path ?? checkpoint.path)
                  })
        }
        totals = Totals(tensors: catalog.entries.count, parameters: catalog.parameterCount,
                        bytes: catalog.byteCount, compressibleParameters: catalog.compressibleParameterCount)
    }
}
