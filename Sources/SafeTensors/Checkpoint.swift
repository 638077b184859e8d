import Foundation

/// A model checkpoint: one safetensors file, a folder of them, or a sharded folder with an index.
///
/// `init(path:)` accepts
/// - a `.safetensors` file (``Kind/file``);
/// - a folder holding `.safetensors` files without an index (``Kind/folder``): all are loaded,
///   sorted by name (byte order);
/// - a folder holding `model.safetensors.index.json`, or exactly one other
///   `*.safetensors.index.json`, or the path of such an index file (``Kind/sharded``): every
///   shard the index names is loaded in order of first appearance in its `weight_map`; every
///   tensor the map lists must be in the shard it names; shards the index does not name are
///   ignored. Tensors a shard holds but the map does not list are still part of the checkpoint
///   (they are real weights; the map is only a lookup aid).
///
/// In every form a tensor name may appear in only one file. Hidden files (names starting with
/// `.`, such as a writer's `.x.partial-123`) are never picked up. A `config.json` next to the
/// weights is read into ``config``; other files (tokenizer, README…) are ignored.
/// Only headers are read when opening; tensor bytes are memory-mapped on demand.
public final class Checkpoint: @unchecked Sendable {
    /// The form a checkpoint was found in.
    public enum Kind: Sendable, Equatable {
        /// A single `.safetensors` file.
        case file
        /// A folder of `.safetensors` files without an index.
        case folder
        /// A folder with a `*.safetensors.index.json` naming the shards.
        case sharded
        /// A file of another format read through a ``CheckpointSource`` (the format's name, e.g. `gguf`).
        case otherFormat(String)
    }

    /// The standard index name.
    public static let standardIndexName = "model.safetensors.index.json"

    /// The path as given.
    public let path: String
    /// The form the checkpoint was found in.
    public let kind: Kind
    /// The opened files: shards in index order, folder files by name, or the single file; empty
    /// for a checkpoint of another format (see ``source``).
    public let files: [SafeTensorsFile]
    /// The file of another format this checkpoint reads, for ``Kind/otherFormat(_:)``.
    public let source: CheckpointSource?
    /// All tensors: file by file (in ``files`` order), each file's in header order.
    public let tensors: [CheckpointTensor]
    /// The parsed `config.json` next to the weights, if there is one.
    public let config: ModelConfig?
    /// The sharded index, for ``Kind/sharded`` checkpoints.
    public let index: ShardedIndex?
    /// The sum of all tensors' element counts.
    public let totalParameters: Int
    /// The sum of all tensors' stored byte counts (tensor data only, no headers).
    public let totalBytes: Int
    private let positionByName: [String: Int]

    /// Opens a checkpoint from a file, folder or index path; every failure is a
    /// ``SafeTensorsError`` naming the file at fault.
    public init(path: String) throws {
        let info = try POSIX.existingStatus(of: path)
        var kind: Kind
        var files: [SafeTensorsFile] = []
        var index: ShardedIndex?
        let folder: String
        if POSIX.isDirectory(info) {
            folder = path
            let names = try Checkpoint.listing(of: path)
            let indexNames = names.filter { $0.hasSuffix(".safetensors.index.json") }
            var indexName: String?
            if indexNames.contains(Checkpoint.standardIndexName) {
                indexName = Checkpoint.standardIndexName
            } else if indexNames.count == 1 {
                indexName = indexNames[0]
            } else if indexNames.count > 1 {
                throw SafeTensorsError(file: path, problem: .ambiguousIndex(candidates: indexNames))
            }
            if let indexName {
                kind = .sharded
                let loaded = try ShardedIndex(path: PathNames.join(path, indexName))
                index = loaded
                files = try Checkpoint.openShards(of: loaded, in: path)
            } else {
                kind = .folder
                let weightNames = names.filter { $0.hasSuffix(".safetensors") }.sorted { $0.utf8Precedes($1) }
                var regular: [String] = []
                for name in weightNames {
                    let full = PathNames.join(path, name)
                    if let status = POSIX.status(of: full), POSIX.isRegularFile(status) { regular.append(full) }
                }
                guard !regular.isEmpty else { throw SafeTensorsError(file: path, problem: .noSafeTensorsInFolder) }
                files = try regular.map { try SafeTensorsFile(path: $0) }
            }
        } else if path.hasSuffix(".index.json") {
            kind = .sharded
            folder = PathNames.parent(of: path)
            let loaded = try ShardedIndex(path: path)
            index = loaded
            files = try Checkpoint.openShards(of: loaded, in: folder)
        } else {
            kind = .file
            folder = PathNames.parent(of: path)
            files = [try SafeTensorsFile(path: path)]
        }

        // Gather tensors, checking each name lives in one file only.
        var tensors: [CheckpointTensor] = []
        var positionByName: [String: Int] = [:]
        var parameters = 0
        var bytes = 0
        for (fileIndex, file) in files.enumerated() {
            for info in file.tensors {
                if let earlier = positionByName[info.name] {
                    throw SafeTensorsError(
                        file: index?.path ?? path,
                        problem: .tensorInTwoShards(
                            tensor: info.name,
                            first: PathNames.lastComponent(of: files[tensors[earlier].fileIndex].path),
                            second: PathNames.lastComponent(of: file.path)))
                }
                positionByName[info.name] = tensors.count
                tensors.append(CheckpointTensor(info: info, fileIndex: fileIndex))
                parameters = parameters.addingReportingOverflow(info.elementCount).partialValue
                bytes = bytes.addingReportingOverflow(info.byteCount).partialValue
            }
        }
        if let index {
            for entry in index.entries {
                let holder = positionByName[entry.tensor].map { files[tensors[$0].fileIndex].path }
                guard let holder, PathNames.lastComponent(of: holder) == entry.shard else {
                    throw SafeTensorsError(file: index.path, problem: .tensorMissingFromShard(tensor: entry.tensor, shard: entry.shard))
                }
            }
        }

        let configPath = PathNames.join(folder, "config.json")
        if let status = POSIX.status(of: configPath), POSIX.isRegularFile(status) {
            self.config = try ModelConfig(path: configPath)
        } else {
            self.config = nil
        }
        self.path = path
        self.kind = kind
        self.files = files
        self.source = nil
        self.index = index
        self.tensors = tensors
        self.positionByName = positionByName
        self.totalParameters = parameters
        self.totalBytes = bytes
    }

    /// Reads a checkpoint of another format (a GGUF file) through its source; tensors keep the
    /// source's order and the config is the source's ``CheckpointSource/configObject``.
    public init(source: CheckpointSource) {
        var tensors: [CheckpointTensor] = []
        var positionByName: [String: Int] = [:]
        var parameters = 0, bytes = 0
        for (info, stored) in source.sourceTensors {
            positionByName[info.name] = tensors.count
            tensors.append(CheckpointTensor(info: info, fileIndex: 0, stored: stored))
            parameters = parameters.addingReportingOverflow(info.elementCount).partialValue
            bytes = bytes.addingReportingOverflow(stored.byteCount).partialValue
        }
        self.path = source.path
        self.kind = .otherFormat(source.formatName)
        self.files = []
        self.source = source
        self.index = nil
        self.tensors = tensors
        self.positionByName = positionByName
        self.totalParameters = parameters
        self.totalBytes = bytes
        self.config = source.configObject.map { ModelConfig(object: $0, path: source.path) }
    }

    /// The `__metadata__` of the first file, if it has one.
    public var metadata: [String: String]? { files.first?.metadata }

    /// The tensor called `name`, if the checkpoint holds one.
    public func tensor(named name: String) -> CheckpointTensor? {
        positionByName[name].map { tensors[$0] }
    }

    /// The identity of the file holding `tensor` (its safetensors file, or the other-format
    /// ``source``), for the spectrum cache.
    public func identity(of tensor: CheckpointTensor) -> FileIdentity? {
        source?.identity ?? file(of: tensor)?.identity
    }

    /// The file holding `tensor`.
    public func file(of tensor: CheckpointTensor) -> SafeTensorsFile? {
        files.indices.contains(tensor.fileIndex) ? files[tensor.fileIndex] : nil
    }

    /// Calls `body` with the bytes of `tensor`, memory-mapped from its file (see
    /// ``SafeTensorsFile/withBytes(of:_:)``), or decoded by the ``source`` of another format.
    public func withBytes<R>(of tensor: CheckpointTensor, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        if let source { return try source.withDecodedBytes(of: tensor.info, body) }
        guard let file = file(of: tensor) else {
            throw SafeTensorsError(file: path, problem: .tensorNotInFile(tensor: tensor.name))
        }
        return try file.withBytes(of: tensor.info, body)
    }

    /// The non-hidden entry names of `folder`.
    private static func listing(of folder: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }
        } catch {
            throw SafeTensorsError(file: folder, problem: .cannotOpen(reason: "its entries could not be listed"))
        }
    }

    /// Opens every shard `index` names, after checking they all exist.
    private static func openShards(of index: ShardedIndex, in folder: String) throws -> [SafeTensorsFile] {
        for shard in index.shards where POSIX.status(of: PathNames.join(folder, shard)) == nil {
            throw SafeTensorsError(file: index.path, problem: .missingShard(shard: shard))
        }
        return try index.shards.map { try SafeTensorsFile(path: PathNames.join(folder, $0)) }
    }
}
