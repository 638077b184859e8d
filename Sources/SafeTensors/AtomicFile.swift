import Foundation

/// Writes whole files so a reader never sees half of one: a temporary name in the same
/// folder, then a rename. Used for every whole file rankscope writes besides safetensors
/// (which ``SafeTensorsWriter`` streams the same way).
public enum AtomicFile {
    /// A failed write, naming the file.
    public struct WriteError: Error, CustomStringConvertible {
        /// The file that could not be written.
        public let path: String
        /// The system's reason.
        public let reason: String
        /// One sentence naming the file.
        public var description: String { "\(path): cannot write the file (\(reason))." }
    }

    /// Writes `data` to `path` atomically, removing the temporary file on failure; with
    /// `permissions`, the file gets exactly those mode bits (a copy keeps its source's).
    public static func write(_ data: Data, to path: String, permissions: Int? = nil) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())").path
        let attributes: [FileAttributeKey: Any]? = permissions.map { [.posixPermissions: $0] }
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: attributes) else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw WriteError(path: path, reason: reason)
        }
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw WriteError(path: path, reason: reason)
        }
    }
}
