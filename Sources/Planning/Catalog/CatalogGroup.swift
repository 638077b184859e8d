/// The tensors of one transformer block (or the tensors outside any block).
public struct CatalogGroup: Sendable {
    /// A short title: the block prefix (`model.layers.3`) or `(outside blocks)`.
    public let title: String
    /// The block index, nil for the group of tensors outside blocks.
    public let block: Int?
    /// The group's tensors, sorted by name.
    public let entries: [CatalogEntry]

    /// Total parameters (elements) of the group's tensors.
    public var parameterCount: Int { entries.reduce(0) { $0 + $1.info.elementCount } }
    /// Total bytes of the group's tensors as stored.
    public var byteCount: Int { entries.reduce(0) { $0 + $1.tensor.byteCount } }
}
