/// One line of the layer browser: a block's group header, or a matrix (by row index into
/// ``ExplorerState/entries``).
public enum BrowserRow: Hashable, Sendable {
    /// The header of block `block` (nil: the matrices outside blocks).
    case group(Int?)
    /// Matrix row `index`.
    case layer(Int)

    /// The row index of a matrix line, nil for a header.
    public var layerIndex: Int? {
        if case .layer(let index) = self { return index }
        return nil
    }
}
