import Foundation
import SafeTensors

/// The whole (non-safetensors) files of the output folder: written atomically, and the input's
/// side files (tokenizer, generation config, README…) copied.
enum OutputFiles {
    /// Writes `bytes` to `path` under a temporary name, then renames it; with `permissions`,
    /// the file gets those mode bits.
    static func write(_ bytes: [UInt8], to path: String, permissions: Int? = nil) throws {
        do {
            try AtomicFile.write(Data(bytes), to: path, permissions: permissions)
        } catch let error as AtomicFile.WriteError {
            throw JobError.fileSystem(path: error.path, reason: "cannot write the file (\(error.reason))")
        }
    }

    /// Extensions of weight files in other formats, never copied (they would hold stale weights).
    static let otherWeightExtensions: Set<String> = ["bin", "pt", "pth", "ckpt", "h5", "msgpack", "gguf", "onnx", "safetensors"]

    /// The input's side files: the regular, non-hidden files of the checkpoint's folder other
    /// than weights, indexes, `config.json` (written extended) and an earlier report. A single-file
    /// checkpoint has no folder of its own, so nothing is copied for it.
    ///
    /// A symbolic link is followed only when its target lies inside the checkpoint's folder or
    /// inside a folder the checkpoint's own weight files resolve into (a Hugging Face cache
    /// snapshot links every file to `../../blobs`): a link to anything else (`/etc/shadow`, a
    /// private key) is skipped, so its contents never reach the output.
    static func sideFiles(of checkpoint: Checkpoint) -> [String] {
        guard checkpoint.kind != .file, checkpoint.source == nil else { return [] }
        let folder = checkpoint.kind == .sharded && checkpoint.path.hasSuffix(".json")
            ? (checkpoint.path as NSString).deletingLastPathComponent : checkpoint.path
        let roots = Set([realPath(folder)] + checkpoint.files.map { (realPath($0.path) as NSString).deletingLastPathComponent })
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.sorted().compactMap { name -> String? in
            let path = (folder as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard !name.hasPrefix("."), name != "config.json", name != JobReport.fileName,
                  !name.hasSuffix(".index.json"),
                  !otherWeightExtensions.contains((name as NSString).pathExtension.lowercased()),
                  FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue
            else { return nil }
            let target = realPath(path)
            guard roots.contains(where: { target.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }) else { return nil }
            return path
        }
    }

    /// `realpath(3)` of `path`, or `path` itself when it cannot be resolved.
    private static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Copies every side file of `checkpoint` into `folder` byte for byte, with its permissions; a
    /// checkpoint of another format writes the side files its source makes (a GGUF's `tokenizer.json`).
    static func copySideFiles(of checkpoint: Checkpoint, into folder: String) throws {
        if let source = checkpoint.source {
            for (name, bytes) in try source.sideFiles() { try write(bytes, to: folder + "/" + name) }
            return
        }
        for path in sideFiles(of: checkpoint) {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw JobError.fileSystem(path: path, reason: "cannot read the file to copy it")
            }
            var info = stat()
            let permissions = stat(path, &info) == 0 ? Int(info.st_mode & 0o777) : nil
            try write([UInt8](data), to: folder + "/" + (path as NSString).lastPathComponent, permissions: permissions)
        }
    }
}
