import ArgumentParser
import Planning
import SafeTensors

/// The checkpoint path every command that reads a model takes.
struct CheckpointArgument: ParsableArguments {
    @Argument(help: "A .safetensors file, a folder with one, or a sharded folder with model.safetensors.index.json.")
    var path: String

    /// Opens the checkpoint (headers only) and builds its catalog.
    func openCatalog() throws -> LayerCatalog {
        LayerCatalog(checkpoint: try Checkpoint(path: path))
    }
}
