import ArgumentParser
import GGUF
import Planning
import SafeTensors

/// The checkpoint path every command that reads a model takes.
struct CheckpointArgument: ParsableArguments {
    @Argument(help: "A .safetensors file, a folder with one, a sharded folder with model.safetensors.index.json, or a .gguf file.")
    var path: String

    /// Opens the checkpoint (headers only) and builds its catalog.
    func openCatalog() throws -> LayerCatalog {
        LayerCatalog(checkpoint: try Checkpoint.opening(path: path))
    }
}
