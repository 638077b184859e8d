import Foundation
import SafeTensors
import StrictJSON

/// Reads a `rankscope compress` output folder back into the layers a runtime multiplies by
/// (``DecodedModel``), from the `rankscope` section of its `config.json` (``ConfigSection``) and
/// the tensors it names (``FactorNaming``, ``QuantizedLayout``), decoded by the same
/// ``LayerDecoder`` as ``InMemoryCompression``.
///
/// Every layer listed in the section is decoded; every other tensor stays the folder's own (the
/// model's unchanged tensors, copied byte for byte by `compress`). A folder written with
/// `--dense` (`"dense": true`) is a plain checkpoint: its listed layers come back as
/// ``DecodedLinear/dense(weight:bias:)`` of their materialised `P.weight`. A layer entry without
/// `shape` (folders written before it was added) takes its shape from `rankscope-report.json`.
public enum CompressedFolder {
    /// The decoded layers of the output folder at `path`. With `packedBackbones`, CALDERA layers
    /// come back as ``DecodedLinear/packedCaldera(_:bias:)`` (backbone codes and incoherence seed
    /// kept, for a runtime); without, as Q in Float, or a dense Ŵ under incoherence processing.
    ///
    /// - Throws: ``DecodingError`` naming the file: a folder without `config.json` or without its
    ///   `rankscope` section, an entry this build cannot read, a tensor missing or of another shape
    ///   or dtype than the entry calls for; `SafeTensorsError` for an unreadable checkpoint.
    public static func read(_ path: String, packedBackbones: Bool = false) throws -> DecodedModel {
        let checkpoint = try Checkpoint(path: path)
        guard let config = checkpoint.config else {
            throw DecodingError.notARankscopeOutput(folder: checkpoint.path, reason: "it has no config.json, where compress describes the compressed layers; compress a checkpoint that has one")
        }
        let file = config.path
        guard case .object(let section)? = config.raw["rankscope"] else {
            throw DecodingError.notARankscopeOutput(folder: checkpoint.path, reason: "\(file) has no \"rankscope\" section")
        }
        func unreadable(_ reason: String) -> DecodingError {
            DecodingError.notARankscopeOutput(folder: checkpoint.path, reason: "the \"rankscope\" section of \(file) \(reason)")
        }
        guard case .number(let version)? = section["format_version"], version.intValue == 1 else {
            throw unreadable("is not format_version 1, the one this build reads")
        }
        guard case .string(ConfigSection.factorNaming)? = section["factor_naming"] else {
            throw unreadable("does not state factor_naming \"\(ConfigSection.factorNaming)\", the one this build reads")
        }
        guard case .bool(let dense)? = section["dense"], case .object(let entries)? = section["layers"] else {
            throw unreadable("lacks \"dense\" or \"layers\"")
        }
        var reportShapes: [String: [Int]]?
        var layers: [String: DecodedLinear] = [:]
        var modules: [String] = []
        for member in entries {
            let module = member.key
            let entry = try LayerEntry(member.value, module: module, file: file)
            let shape: [Int]
            if let stated = entry.shape {
                shape = stated
            } else {
                if reportShapes == nil { reportShapes = try Self.reportShapes(in: checkpoint.path) }
                guard let found = reportShapes?[module + ".weight"] else {
                    throw DecodingError.malformedEntry(file: file, module: module, reason: "it has no shape and \(JobReport.fileName) does not list the layer")
                }
                shape = found
            }
            let layout = StoredLayout(rows: shape[0], columns: shape[1], form: dense ? .plain : entry.form)
            let decoder = LayerDecoder(source: CheckpointSource(checkpoint: checkpoint), module: module, floatType: entry.dtype,
                                       incoherenceSeed: entry.incoherenceSeed, packedBackbones: packedBackbones)
            let weight = try decoder.weight(layout)
            guard layers.updateValue(weight.with(bias: try decoder.bias(layout.biasName(module: module), of: layout)),
                                     forKey: module) == nil else {
                throw DecodingError.malformedEntry(file: file, module: module, reason: "it is listed twice")
            }
            modules.append(module)
        }
        return DecodedModel(checkpoint: checkpoint, layers: layers, replacedModules: modules)
    }

    /// Rows and columns of every layer of the folder's `rankscope-report.json`, by weight name.
    private static func reportShapes(in folder: String) throws -> [String: [Int]] {
        let path = folder + "/" + JobReport.fileName
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DecodingError.notARankscopeOutput(folder: folder, reason: "its layers state no shape and \(path) cannot be read")
        }
        guard case .object(let root)? = try? JSONParser.parse([UInt8](data)), case .array(let rows)? = root["layers"] else {
            throw DecodingError.notARankscopeOutput(folder: folder, reason: "\(path) is not a rankscope report")
        }
        var shapes: [String: [Int]] = [:]
        for case .object(let row) in rows {
            if case .string(let name)? = row["name"], case .number(let m)? = row["rows"], case .number(let n)? = row["columns"],
               let m = m.intValue, let n = n.intValue {
                shapes[name] = [m, n]
            }
        }
        return shapes
    }
}
