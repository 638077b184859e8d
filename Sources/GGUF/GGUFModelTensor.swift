/// One tensor of a ``GGUFModel`` as a Hugging Face user knows it, and where it is stored.
public struct GGUFModelTensor: Sendable, Equatable, Hashable {
    /// The Hugging Face name (`model.layers.0.self_attn.q_proj.weight`), or the GGUF name for
    /// tensors of unmapped architectures or roles.
    public let name: String
    /// The shape in Hugging Face / numpy order (the GGUF dimensions reversed).
    public let shape: [Int]
    /// The stored tensor: GGUF name, ggml type, real byte count.
    public let stored: GGUFTensorInfo
    /// For a weight llama.cpp's converter permuted: the number of heads whose rows are undone.
    public let permutedHeads: Int?
}
