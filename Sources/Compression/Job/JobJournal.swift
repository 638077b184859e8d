import Foundation
import Planning
import SafeTensors
import StrictJSON

/// The record of an unfinished job, kept in the hidden folder `.rankscope-job` inside the output
/// folder so an interrupted job can resume without redoing finished layers.
///
/// - `job.json` describes the job: the input files (names, sizes, modification times, header
///   fingerprints), the activation-statistics file likewise (`--stats`; absent without), the
///   output options and every layer's choice. `--resume` continues only a job
///   whose description is byte-for-byte the one it would write itself.
/// - `layers/layer-NNNNN.safetensors` holds the output tensors of finished layer NNNNN (its
///   position in checkpoint order), with `__metadata__` recording the tensor name, the measured
///   and estimated errors (`measured_output_error` too under `--stats`; older files without it
///   still read), the seconds taken and a ``SafeTensors/ContentChecksum`` verified on resume. Each is written under a temporary name, synced
///   and renamed, so a file present is a layer finished; a killed process leaves at worst a hidden
///   `.partial` file, which is deleted on resume.
///
/// When the output folder is complete the journal folder is deleted.
struct JobJournal {
    /// The journal folder.
    let folder: String
    /// The description file.
    var descriptionPath: String { folder + "/job.json" }
    /// The folder of finished layers.
    var layersFolder: String { folder + "/layers" }

    /// The journal folder's name inside the output folder.
    static let folderName = ".rankscope-job"

    /// The journal of the output folder `outputFolder`.
    init(outputFolder: String) {
        folder = outputFolder.hasSuffix("/") ? outputFolder + JobJournal.folderName : outputFolder + "/" + JobJournal.folderName
    }

    /// True when the output folder holds a journal.
    var exists: Bool { FileManager.default.fileExists(atPath: descriptionPath) }

    /// The spill file of `layer`.
    func layerPath(_ layer: JobLayer) -> String {
        layersFolder + "/" + String(format: "layer-%05d.safetensors", layer.ordinal)
    }

    /// Creates the journal with `description`.
    func create(description: [UInt8]) throws {
        do {
            try FileManager.default.createDirectory(atPath: layersFolder, withIntermediateDirectories: true)
            try AtomicFile.write(Data(description), to: descriptionPath)
        } catch let error as AtomicFile.WriteError {
            throw JobError.fileSystem(path: error.path, reason: "cannot write the job journal (\(error.reason))")
        } catch {
            throw JobError.fileSystem(path: folder, reason: "cannot create the job journal (\(SystemErrorText.reason(of: error)))")
        }
    }

    /// True when the journal's description is exactly `description`.
    func matches(description: [UInt8]) -> Bool {
        FileManager.default.contents(atPath: descriptionPath).map { [UInt8]($0) == description } ?? false
    }

    /// Deletes the hidden temporary files a killed writer left in the journal.
    func removeLeftovers() {
        OutputFolder.removePartialFiles(in: layersFolder)
    }

    /// The recorded result of `layer`, nil when it is not finished (or its file is unreadable or
    /// fails its ``SafeTensors/ContentChecksum`` — a flipped byte, a file from before checksums —
    /// and is then deleted so the layer is redone).
    func finished(_ layer: JobLayer) -> LayerResult? {
        let path = layerPath(layer)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let file = try? SafeTensorsFile(path: path), let metadata = file.metadata,
              ContentChecksum.verifies(file),
              metadata[Key.tensor] == layer.name,
              let measured = metadata[Key.measured].flatMap(Double.init),
              let seconds = metadata[Key.seconds].flatMap(Double.init) else {
            unlink(path)
            return nil
        }
        return LayerResult(name: layer.name, measuredRelativeError: measured,
                           estimatedRelativeError: metadata[Key.estimated].flatMap(Double.init),
                           measuredOutputError: metadata[Key.outputError].flatMap(Double.init),
                           bytesWritten: file.tensors.reduce(0) { $0 + $1.byteCount }, seconds: seconds, resumed: true)
    }

    /// Takes over the finished layers of `--shard` runs of the same job (`rankscope merge`): each
    /// folder in `parts` must hold a journal whose description is exactly `description(shard)`
    /// for the part it records (nil for parts described as whole jobs); every
    /// layer file this journal lacks is copied (under a temporary name, then renamed) from the
    /// first part that has it. `output` names the merge's folder in errors.
    func adopt(_ layers: [JobLayer], from parts: [String], description: (JobShard?) -> [UInt8], output: String) throws {
        let journals = try parts.map { part -> JobJournal in
            let journal = JobJournal(outputFolder: part)
            guard journal.exists else { throw JobError.notAShard(folder: part) }
            guard journal.matches(description: description(journal.recordedShard)) else {
                throw JobError.shardMismatch(folder: part, output: output)
            }
            return journal
        }
        for layer in layers where !FileManager.default.fileExists(atPath: layerPath(layer)) {
            guard let source = journals.map({ $0.layerPath(layer) }).first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                continue
            }
            let target = layerPath(layer)
            let temporary = layersFolder + "/." + (target as NSString).lastPathComponent + ".partial-\(getpid())"
            do {
                try? FileManager.default.removeItem(atPath: temporary)
                try FileManager.default.copyItem(atPath: source, toPath: temporary)
                guard rename(temporary, target) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                throw JobError.fileSystem(path: target, reason: "cannot copy the finished layer from \(source) (\(SystemErrorText.reason(of: error)))")
            }
        }
    }

    /// The part its description records (`"shard": "I/N"`), nil for a whole job or an unreadable description.
    var recordedShard: JobShard? {
        guard let data = FileManager.default.contents(atPath: descriptionPath),
              let root = (try? JSONParser.parse(data))?.objectValue else { return nil }
        return root["shard"]?.stringValue.flatMap(JobShard.init)
    }

    /// Records `layer` as finished with `compressed`'s tensors and, when measured, its output error.
    func record(_ layer: JobLayer, _ compressed: CompressedMatrix, outputError: Double? = nil, seconds: Double) throws -> LayerResult {
        var metadata = [Key.tensor: layer.name, Key.measured: "\(compressed.measuredRelativeError)", Key.seconds: "\(seconds)"]
        if let estimate = compressed.estimatedRelativeError { metadata[Key.estimated] = "\(estimate)" }
        if let outputError { metadata[Key.outputError] = "\(outputError)" }
        let tensors = compressed.tensors.map { (TensorSpec(name: $0.name, dtype: $0.dtype, shape: $0.shape), $0.bytes) }
        metadata[ContentChecksum.key] = ContentChecksum.of(tensors: tensors, metadata: metadata)
        try SafeTensorsWriter.write(path: layerPath(layer), tensors: tensors, metadata: metadata)
        return LayerResult(name: layer.name, measuredRelativeError: compressed.measuredRelativeError,
                           estimatedRelativeError: compressed.estimatedRelativeError, measuredOutputError: outputError,
                           bytesWritten: compressed.byteCount, seconds: seconds, resumed: false)
    }

    /// Deletes the journal.
    func remove() throws {
        do {
            try FileManager.default.removeItem(atPath: folder)
        } catch {
            throw JobError.fileSystem(path: folder, reason: "cannot remove the finished job's journal (\(SystemErrorText.reason(of: error)))")
        }
    }

    /// The description of a job: what must be equal for a resumed job to give the same output.
    ///
    /// A `--shard` part states the choices of its own layers only (it resolves the others'
    /// ranks without their spectra, see ``JobShard``) and records `"shard": "I/N"`, so `merge`
    /// can check it against the same description of that part.
    static func description(of checkpoint: Checkpoint, layers: [JobLayer], settings: JobSettings) -> [UInt8] {
        let files: [JSONValue] = checkpoint.files.map(fileValue)
        let layerValues: [JSONValue] = layers.map { layer in
            var value: JSONObject = ["name": .string(layer.name)]
            if settings.shard?.contains(ordinal: layer.ordinal) ?? true {
                value.append(key: "choice", value: .string(String(describing: layer.choice)))
            }
            value.append(key: "type", value: .string(settings.outputType(forStored: layer.tensor.info.dtype).rawValue))
            return .object(value)
        }
        var root: JSONObject = [
            "format": .string("rankscope-job"),
            "version": .number(JSONNumber(1)),
            "input_files": .array(files),
            "dense": .bool(settings.materializeDense),
            "caldera_iterations": .number(JSONNumber(settings.calderaIterations)),
            "max_shard_size": .number(JSONNumber(settings.maxShardSize)),
            "layers": .array(layerValues),
        ]
        if let statistics = settings.statistics {
            // Absent without --stats, so the descriptions of jobs without statistics are unchanged.
            root.append(JSONObject.Member(key: "statistics_file", value: statisticsValue(statistics)))
        }
        // Absent without --incoherence, so the descriptions of earlier jobs are unchanged.
        if settings.incoherence { root.append(key: "incoherence", value: .bool(true)) }
        if settings.backboneCodebook != .scalar {
            root.append(key: "backbone_codebook", value: .string(settings.backboneCodebook.rawValue))
        }
        if let shard = settings.shard { root.append(key: "shard", value: .string(shard.description)) }
        return JSONWriter.bytes(.object(root), pretty: true) + [0x0A]
    }

    /// A file's identity in the description: name, size, modification time and header fingerprint.
    private static func fileValue(_ file: SafeTensorsFile) -> JSONValue {
        .object([
            "name": .string((file.path as NSString).lastPathComponent),
            "size": .number(JSONNumber(file.fileSize)),
            "modified_ns": .number(JSONNumber(Int(file.modificationTimeNanoseconds))),
            "header_fnv1a": .string(String(file.headerFingerprint, radix: 16)),
        ])
    }

    /// The statistics file's identity, as ``fileValue(_:)``; if it can no longer be opened, its
    /// fingerprint from when it was read (which then matches no job described from the file).
    private static func statisticsValue(_ statistics: ActivationStatistics) -> JSONValue {
        if let file = try? SafeTensorsFile(path: statistics.path) { return fileValue(file) }
        return .object(["name": .string((statistics.path as NSString).lastPathComponent), "fingerprint": .string(statistics.fingerprint)])
    }

    /// Metadata keys of a layer file.
    private enum Key {
        static let tensor = "tensor"
        static let measured = "measured_relative_error"
        static let estimated = "estimated_relative_error"
        static let outputError = "measured_output_error"
        static let seconds = "seconds"
    }
}
