/// What a tensor is for, as far as compression is concerned.
///
/// Only ``linear`` weights are decomposed by default: embeddings and output heads are
/// lookup tables whose rows are used one at a time, norms and biases are vectors.
public enum TensorKind: String, Sendable, Codable, CaseIterable {
    /// A 2-D weight of a linear layer (attention projections, MLP matrices).
    case linear
    /// A token or position embedding table.
    case embedding
    /// The output head projecting hidden states to the vocabulary.
    case head
    /// A normalisation scale or shift.
    case norm
    /// A bias vector.
    case bias
    /// Anything else: buffers, masks, integer tensors, tensors of three or more dimensions.
    case other
}
