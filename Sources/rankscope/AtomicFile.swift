import Foundation

/// Writes whole files so a reader never sees half of one: a temporary name in the same
/// folder, then a rename.
enum AtomicFile {
    /// A failed write, naming the file.
    struct WriteError: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "\(path): cannot write the file (\(reason))." }
    }

    /// Writes `data` to `path` atomically, removing the temporary file on failure.
    static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())").path
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw WriteError(path: path, reason: String(cString: strerror(errno)))
        }
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw WriteError(path: path, reason: reason)
        }
    }
}
