import StrictJSON

/// A Hugging Face sharded-checkpoint index (`model.safetensors.index.json`):
/// `{"metadata": {...}, "weight_map": {"tensor name": "shard file name", ...}}`.
///
/// Shard names must be plain file names in the index's folder: names that are empty, `.`,
/// `..`, or hold `/`, `\` or NUL are rejected so an index can never make the tool open files
/// elsewhere.
public struct ShardedIndex: Sendable, Equatable {
    /// One `weight_map` entry.
    public struct Entry: Sendable, Equatable, Hashable {
        /// The tensor's name.
        public let tensor: String
        /// The shard file name holding it.
        public let shard: String
    }

    /// The path of the index file.
    public let path: String
    /// The index's `metadata` object, if present (often `{"total_size": …}`).
    public let metadata: JSONObject?
    /// The `weight_map` entries in file order.
    public let entries: [Entry]
    /// The distinct shard names in order of first appearance in `weight_map`.
    public let shards: [String]
    private let shardByTensor: [String: String]

    /// Loads and validates the index at `path`.
    public init(path: String) throws {
        try self.init(object: JSONFileLoader.loadObject(path: path), path: path)
    }

    /// Parses and validates index JSON `bytes`; `path` names the file in errors.
    public init<Bytes: Collection>(parsing bytes: Bytes, path: String) throws where Bytes.Element == UInt8 {
        try self.init(object: JSONFileLoader.object(parsing: bytes, file: path), path: path)
    }

    /// Validates an index already parsed; `path` names the file in errors.
    public init(object: JSONObject, path: String) throws {
        func fail(_ problem: SafeTensorsError.Problem) -> SafeTensorsError {
            SafeTensorsError(file: path, problem: problem)
        }
        guard let mapValue = object["weight_map"] else { throw fail(.indexMissingWeightMap) }
        guard let map = mapValue.objectValue else { throw fail(.indexWeightMapNotObject(found: mapValue.kindDescription)) }
        var entries: [Entry] = []
        var shards: [String] = []
        var seenShards = Set<String>()
        var shardByTensor: [String: String] = [:]
        for member in map.members {
            guard let shard = member.value.stringValue else { throw fail(.indexShardNotString(tensor: member.key)) }
            guard ShardedIndex.isPlainFileName(shard) else {
                throw fail(.indexUnsafeShardName(tensor: member.key, shard: shard))
            }
            if shard.hasSuffix(".index.json") || shard == PathNames.lastComponent(of: path) {
                throw fail(.indexShardIsIndex(tensor: member.key, shard: shard))
            }
            entries.append(Entry(tensor: member.key, shard: shard))
            shardByTensor[member.key] = shard
            if seenShards.insert(shard).inserted { shards.append(shard) }
        }
        self.path = path
        self.metadata = object["metadata"]?.objectValue
        self.entries = entries
        self.shards = shards
        self.shardByTensor = shardByTensor
    }

    /// The shard file name that holds `tensor`, per the index.
    public func shard(for tensor: String) -> String? { shardByTensor[tensor] }

    /// True when `name` is a plain file name that stays inside its folder.
    static func isPlainFileName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".."
            && !name.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") || $0 == 0 })
    }

    /// Indexes are equal when path, metadata and entries are.
    public static func == (lhs: ShardedIndex, rhs: ShardedIndex) -> Bool {
        lhs.path == rhs.path && lhs.metadata == rhs.metadata && lhs.entries == rhs.entries
    }
}
