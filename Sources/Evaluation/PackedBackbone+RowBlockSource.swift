import Compression
import ModelRuntime

/// A packed CALDERA backbone as the runtime's ``RowBlockSource``: ``TiledLinear`` decodes it a
/// block of rows at a time (``PackedBackbone/decodeRows(_:into:)``), so it stays at its stored bytes.
struct BackboneRows: RowBlockSource {
    let backbone: PackedBackbone

    var rows: Int { backbone.rows }
    var columns: Int { backbone.columns }

    func decodeRows(_ range: Range<Int>, into output: UnsafeMutablePointer<Float>) {
        backbone.decodeRows(range, into: output)
    }
}
