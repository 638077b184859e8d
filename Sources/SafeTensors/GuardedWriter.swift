import Foundation

/// The one way rankscope writes a file or claims an output folder: it knows the files the
/// command reads (the checkpoint's weights, index and `config.json`, an activation-statistics
/// file, the parts of a merge) and refuses any write that would replace one of them.
///
/// Why: `plan --out model.safetensors` or `spectra --csv config.json` used to rename the new
/// file over the input and exit 0. A path is refused when it names a protected file directly,
/// through a symbolic link, through a hard link (same device and inode), or when the link itself
/// is a protected entry (Hugging Face cache snapshots are links). An output *folder* is refused
/// when it is, contains, or lies inside a protected folder, or contains a protected file, since
/// `--force` empties it.
///
/// New commands that write files build one with ``init(checkpoint:others:)`` (or add paths with
/// ``protect(file:)`` / ``protect(folder:)``) and write through ``write(_:to:)``, which checks
/// and then writes atomically with ``AtomicFile``.
public struct GuardedWriter: Sendable {
    /// A write the guard refused: the target is (or would swallow) a file the command reads.
    public struct Refusal: Error, CustomStringConvertible, Equatable {
        /// The path the command was asked to write.
        public let path: String
        /// The protected input it would have replaced.
        public let input: String
        /// True when `path` is an output folder rather than a file.
        public let isFolder: Bool
        /// One sentence naming both paths and what to do.
        public var description: String {
            isFolder
                ? "\(path): the output folder would overwrite the input \(input) (it is, holds or lies inside it); choose another folder."
                : "\(path): this is the input file \(input), which rankscope never overwrites; choose another path."
        }
    }

    private struct Protected: Sendable {
        let path: String
        let resolved: String
        let identities: [FileIdentity]
        let isFolder: Bool
    }

    /// Device and inode, the identity of a file behind any number of names.
    private struct FileIdentity: Sendable, Equatable {
        let device: UInt64
        let inode: UInt64
    }

    private var protected: [Protected] = []

    /// A writer that protects nothing yet (for tools without an input, such as `demo`).
    public init() {}

    /// A writer protecting every file `checkpoint` reads (weights, index, `config.json`) and
    /// the files in `others` (a statistics file, a plan read as input).
    public init(checkpoint: Checkpoint, others: [String] = []) {
        for file in checkpoint.files { protect(file: file.path) }
        if let index = checkpoint.index { protect(file: index.path) }
        let folder = POSIX.status(of: checkpoint.path).map(POSIX.isDirectory) == true
            ? checkpoint.path : PathNames.parent(of: checkpoint.path)
        let config = PathNames.join(folder, "config.json")
        if checkpoint.config != nil { protect(file: config) }
        for other in others { protect(file: other) }
    }

    /// Adds a file nothing may be written over.
    public mutating func protect(file path: String) {
        protected.append(Protected(path: path, resolved: GuardedWriter.resolved(path),
                                   identities: GuardedWriter.identities(of: path), isFolder: false))
    }

    /// Adds a folder no output folder may be, contain or lie inside, and no file may be written in
    /// (the parts of a merge).
    public mutating func protect(folder path: String) {
        protected.append(Protected(path: path, resolved: GuardedWriter.resolved(path),
                                   identities: GuardedWriter.identities(of: path), isFolder: true))
    }

    /// Throws ``Refusal`` when writing a file at `path` would replace a protected file.
    public func check(file path: String) throws {
        let target = GuardedWriter.identities(of: path)
        let resolvedTarget = GuardedWriter.resolved(path)
        for entry in protected {
            if entry.isFolder {
                if GuardedWriter.isInside(resolvedTarget, entry.resolved) {
                    throw Refusal(path: path, input: entry.path, isFolder: false)
                }
            } else if entry.resolved == resolvedTarget || entry.identities.contains(where: target.contains) {
                throw Refusal(path: path, input: entry.path, isFolder: false)
            }
        }
    }

    /// Throws ``Refusal`` when `folder`, as an output folder, is a protected file or folder,
    /// contains one, or (for protected folders) lies inside one.
    public func check(folder: String) throws {
        let output = GuardedWriter.resolved(folder)
        let target = GuardedWriter.identities(of: folder)
        for entry in protected {
            let same = entry.resolved == output || entry.identities.contains(where: target.contains)
            let contains = GuardedWriter.isInside(entry.resolved, output)
            let inside = entry.isFolder && GuardedWriter.isInside(output, entry.resolved)
            if same || contains || inside { throw Refusal(path: folder, input: entry.path, isFolder: true) }
        }
    }

    /// Checks `path` with ``check(file:)``, then writes `data` there atomically (``AtomicFile``).
    public func write(_ data: Data, to path: String) throws {
        try check(file: path)
        try AtomicFile.write(data, to: path)
    }

    /// True when `path` lies strictly inside `folder` (both resolved, absolute).
    private static func isInside(_ path: String, _ folder: String) -> Bool {
        path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
    }

    /// The identities of `path` itself (when it is a link) and of what it points to.
    private static func identities(of path: String) -> [FileIdentity] {
        var result: [FileIdentity] = []
        var info = stat()
        if lstat(path, &info) == 0 { result.append(FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))) }
        if stat(path, &info) == 0 { result.append(FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))) }
        return result
    }

    /// The absolute path with symbolic links resolved as far as the path exists.
    static func resolved(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var existing = url
        var missing: [String] = []
        while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" {
            missing.insert(existing.lastPathComponent, at: 0)
            existing = existing.deletingLastPathComponent()
        }
        var result = existing.resolvingSymlinksInPath()
        for component in missing { result.appendPathComponent(component) }
        return result.path
    }
}
