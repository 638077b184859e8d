import SafeTensors

extension Checkpoint {
    /// Opens `path` as a checkpoint: a `.gguf` file through ``GGUFCheckpointSource``, anything
    /// else as safetensors (``Checkpoint/init(path:)``).
    public static func opening(path: String) throws -> Checkpoint {
        if path.lowercased().hasSuffix(".gguf") {
            return Checkpoint(source: try GGUFCheckpointSource(model: GGUFModel(path: path)))
        }
        return try Checkpoint(path: path)
    }
}
