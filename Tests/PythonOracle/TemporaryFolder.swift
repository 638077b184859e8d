import Foundation

/// A fresh folder under the system's temporary directory for the length of one call.
public enum TemporaryFolder {
    /// Runs `body` with a new folder named `rankscope-label-UUID` and removes the folder afterwards,
    /// whether `body` returns or throws.
    public static func with<T>(_ label: String, _ body: (URL) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rankscope-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try body(folder)
    }
}
