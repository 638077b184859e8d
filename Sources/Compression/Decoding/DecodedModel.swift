import SafeTensors

/// The compressed layers of a model as a runtime multiplies by them, and where every other tensor
/// comes from.
///
/// A runtime builds module `P` (a linear layer whose weight is `P.weight`) from ``layers``[P] when
/// present, and otherwise from `P.weight`/`P.bias` of ``checkpoint``, read as stored.
public struct DecodedModel: Sendable {
    /// The checkpoint holding every tensor the plan leaves unchanged: the input for
    /// ``InMemoryCompression``, the output folder for ``CompressedFolder``.
    public let checkpoint: Checkpoint
    /// The replaced linear layers by module path `P` (`model.layers.0.mlp.up_proj` for
    /// `model.layers.0.mlp.up_proj.weight`).
    public let layers: [String: DecodedLinear]
    /// The module paths of ``layers`` in checkpoint order.
    public let replacedModules: [String]

    /// Wraps decoded layers; `replacedModules` lists the keys of `layers` in checkpoint order.
    public init(checkpoint: Checkpoint, layers: [String: DecodedLinear], replacedModules: [String]) {
        precondition(Set(replacedModules) == Set(layers.keys), "replacedModules must list the layers' modules")
        self.checkpoint = checkpoint
        self.layers = layers
        self.replacedModules = replacedModules
    }
}
