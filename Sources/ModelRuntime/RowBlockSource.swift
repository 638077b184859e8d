/// A weight matrix kept in a compact stored form (codes and scales) that gives its rows in Float
/// a block at a time, for ``TiledLinear``: the runtime then holds the stored bytes, not the Float matrix.
public protocol RowBlockSource: Sendable {
    /// Rows of the matrix.
    var rows: Int { get }
    /// Columns of the matrix.
    var columns: Int { get }
    /// Writes rows `range` in Float, row-major, into `output` (`range.count × columns` values).
    func decodeRows(_ range: Range<Int>, into output: UnsafeMutablePointer<Float>)
}
