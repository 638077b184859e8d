import SafeTensors
import StrictJSON

/// The `rankscope` section added to the output's `config.json`: how each compressed layer was
/// stored, so a loader knows which modules to swap and how.
///
/// ```
/// "rankscope": { "format_version": 1, "factor_naming": "sequential-linear-1", "dense": false,
///   "layers": { "model.layers.0.mlp.up_proj": { "method": "rank", "rank": 64, "bits": 16, "group_size": 128,
///                                               "backbone_bits": 2 (CALDERA only),
///                                               "backbone_codebook": "e8p" (CALDERA with --e8p only), "dtype": "BF16",
///                                               "shape": [m, n],
///                                               "incoherence_seed": s (CALDERA with --incoherence only) } } }
/// ```
/// Layers are keyed by module path (`P` of `P.weight`), in checkpoint order. `shape` is the original
/// weight's [m, n] (rows and columns of the quantized matrices follow from it and the rank), so a
/// reader (``CompressedFolder``) needs nothing beyond the folder. `incoherence_seed` (below 2^53)
/// means the stored Q + L·R is `U·W·Vᵀ`: the reader regenerates U and V from it (``Incoherence``)
/// and takes `Ŵ = Uᵀ·(Q̂ + L̂R̂)·V`.
enum ConfigSection {
    /// The version of the ``FactorNaming`` convention written.
    static let factorNaming = "sequential-linear-1"

    /// The input's config object with the `rankscope` section set (replacing an earlier one).
    static func extended(_ config: JSONObject, layers: [JobLayer], settings: JobSettings) -> JSONObject {
        var members = config.members.filter { $0.key != "rankscope" }
        var described: [(String, JSONValue)] = []
        for layer in layers {
            let row = ChoiceSummary(layer.choice, storedBits: layer.tensor.info.dtype.byteWidth * 8)
            var entry: [(String, JSONValue)] = [("method", .string(row.method))]
            if let rank = row.rank { entry.append(("rank", .number(JSONNumber(rank)))) }
            entry.append(("bits", .number(JSONNumber(row.bits))))
            entry.append(("group_size", .number(JSONNumber(row.groupSize))))
            if let backbone = row.backboneBits {
                entry.append(("backbone_bits", .number(JSONNumber(backbone))))
                let codebook = settings.layerSettings.codebook(for: layer.choice)
                if codebook != .scalar { entry.append(("backbone_codebook", .string(codebook.rawValue))) }
            }
            entry.append(("dtype", .string(settings.outputType(forStored: layer.tensor.info.dtype).rawValue)))
            entry.append(("shape", .array([.number(JSONNumber(layer.rows)), .number(JSONNumber(layer.columns))])))
            if let seed = settings.layerSettings.incoherenceSeed(module: layer.module, choice: layer.choice) {
                entry.append(("incoherence_seed", .number(JSONNumber(Int(seed)))))
            }
            described.append((layer.module, .object(JSONObject(entry))))
        }
        let section: JSONObject = [
            "format_version": .number(JSONNumber(1)),
            "factor_naming": .string(factorNaming),
            "dense": .bool(settings.materializeDense),
            "layers": .object(JSONObject(described)),
        ]
        members.append(JSONObject.Member(key: "rankscope", value: .object(section)))
        return JSONObject(members: members)
    }
}
