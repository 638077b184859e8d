import Foundation
import SafeTensors

/// Singular values kept on disk between runs, so a second open of a checkpoint is instant.
///
/// One cache file per checkpoint shard, itself a safetensors file under the cache directory
/// (`$XDG_CACHE_HOME/rankscope`, or `~/.cache/rankscope`), named by a hash of the shard's real
/// path and holding one F64 vector of singular values per tensor. Its `__metadata__` records the
/// shard's size, modification time (ns), inode, device, a fingerprint of its header and the
/// method version; a cache file whose record disagrees with the shard on any of these is
/// ignored and rewritten, so a changed checkpoint is never served stale spectra. A
/// ``SafeTensors/ContentChecksum`` over the whole file is verified on load: a damaged cache file
/// is ignored (and rewritten) rather than served.
///
/// One cache serves every kind of spectrum: each ``SpectrumMethod`` has cache files of its own,
/// named and recorded by its ``SpectrumMethod/cacheTag`` (the key is checkpoint shard, tensor and
/// method). Weight spectra keep the original file name `spectra-<hash>.safetensors`; data-aware
/// spectra (whitened by activation statistics) use ``whitenedMethodTag`` followed by the
/// statistics file's fingerprint, which is part of both the record and the file's name
/// (`spectra-whitened-<hash>.safetensors`), so plain and data-aware spectra (or spectra from two
/// statistics files) never overwrite or serve each other. The methods default to
/// ``methodTag``, the weights'.
public final class SpectrumCache: @unchecked Sendable {
    /// Where cache files live.
    public let directory: String
    /// Bumped whenever the way spectra are computed changes, invalidating older caches.
    public static let methodTag = "gram-dsyevd-f64-v1"
    /// The method of data-aware spectra (singular values of W·S by dgesdd in double), before the
    /// statistics fingerprint.
    public static let whitenedMethodTag = "whitened-dgesdd-f64-v1"

    private let lock = NSLock()
    /// Loaded cache files by method tag and the shard's real path.
    private var shards: [ShardKey: ShardCache] = [:]

    private struct ShardKey: Hashable {
        var method: String
        var realPath: String
    }

    private struct ShardCache {
        var record: [String: String]
        var values: [String: [Double]]
        var isDirty: Bool
    }

    /// Uses the given directory (created on first write).
    public init(directory: String) {
        self.directory = directory
    }

    /// `$XDG_CACHE_HOME/rankscope`, falling back to `$HOME/.cache/rankscope`.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return xdg + "/rankscope"
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.cache/rankscope"
    }

    /// The cached singular values of `tensorName` in `file` by `method` (a ``SpectrumMethod/cacheTag``),
    /// if a valid cache holds them.
    public func singularValues(of tensorName: String, in file: SafeTensorsFile, method: String = methodTag) -> [Double]? {
        singularValues(of: tensorName, in: file.identity, method: method)
    }

    /// Records freshly computed singular values of a tensor of `file`; see ``store(_:of:in:method:)-(_,_,FileIdentity,_)``.
    public func store(_ values: [Double], of tensorName: String, in file: SafeTensorsFile, method: String = methodTag) {
        store(values, of: tensorName, in: file.identity, method: method)
    }

    /// The cached singular values of `tensorName` in the file `file` identifies, computed by
    /// `method`, if a valid cache holds them.
    public func singularValues(of tensorName: String, in file: FileIdentity, method: String = methodTag) -> [Double]? {
        lock.lock()
        defer { lock.unlock() }
        return shards[loadedShardKey(for: file, method: method)]?.values[tensorName]
    }

    /// Records freshly computed singular values; they reach the disk on the next ``flush()``.
    public func store(_ values: [Double], of tensorName: String, in file: FileIdentity, method: String = methodTag) {
        lock.lock()
        defer { lock.unlock() }
        let key = loadedShardKey(for: file, method: method)
        shards[key]?.values[tensorName] = values
        shards[key]?.isDirty = true
    }

    /// Writes every shard cache that changed since it was loaded, atomically.
    public func flush() throws {
        lock.lock()
        defer { lock.unlock() }
        for (key, shard) in shards where shard.isDirty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let tensors = shard.values.sorted { $0.key < $1.key }.map { name, values in
                (TensorSpec(name: name, dtype: .F64, shape: [values.count]),
                 values.withUnsafeBytes { Array($0) })
            }
            var metadata = shard.record
            metadata[ContentChecksum.key] = ContentChecksum.of(tensors: tensors, metadata: metadata)
            try SafeTensorsWriter.write(path: cachePath(forRealPath: key.realPath, method: key.method), tensors: tensors, metadata: metadata)
            shards[key]?.isDirty = false
        }
    }

    /// The cache file of `method`'s spectra for a shard at the given real path.
    public func cachePath(forRealPath path: String, method: String = methodTag) -> String {
        if method == Self.methodTag {
            return directory + "/spectra-" + String(FNV1a.hash(path), radix: 16) + ".safetensors"
        }
        return directory + "/spectra-whitened-" + String(FNV1a.hash(path + "\n" + method), radix: 16) + ".safetensors"
    }

    /// What a valid cache file must record about its shard.
    func record(for file: FileIdentity, realPath: String, method: String) -> [String: String] {
        [
            "format": "rankscope-spectra",
            "method": method,
            "source": realPath,
            "source_size": String(file.size),
            "source_mtime_ns": String(file.modificationTimeNanoseconds),
            "source_inode": String(file.inode),
            "source_device": String(file.device),
            "source_header_fnv1a": String(file.headerFingerprint, radix: 16),
        ]
    }

    /// The key of the shard's in-memory cache of `method` (with its real path), loading the cache
    /// from disk on first use, so callers mutate `shards[key]` in place. Caller holds the lock.
    private func loadedShardKey(for file: FileIdentity, method: String) -> ShardKey {
        let key = ShardKey(method: method, realPath: SpectrumCache.realPath(file.path))
        if shards[key] == nil {
            let record = record(for: file, realPath: key.realPath, method: method)
            shards[key] = ShardCache(record: record, values: readValues(path: cachePath(forRealPath: key.realPath, method: method), expecting: record),
                                     isDirty: false)
        }
        return key
    }

    /// Reads a cache file; an unreadable, foreign or stale file yields nothing.
    private func readValues(path: String, expecting record: [String: String]) -> [String: [Double]] {
        guard FileManager.default.fileExists(atPath: path),
              let cached = try? SafeTensorsFile(path: path),
              var recorded = cached.header.metadata, recorded.removeValue(forKey: ContentChecksum.key) != nil,
              recorded == record, ContentChecksum.verifies(cached) else { return [:] }
        var values: [String: [Double]] = [:]
        for tensor in cached.header.tensors where tensor.dtype == .F64 && tensor.shape.count == 1 {
            let vector = try? cached.withBytes(of: tensor) { bytes in
                (0..<tensor.elementCount).map { bytes.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self) }
            }
            if let vector { values[tensor.name] = vector }
        }
        return values
    }

    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
