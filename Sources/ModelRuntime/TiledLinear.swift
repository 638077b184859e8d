/// A linear layer whose weight stays in its stored form (``RowBlockSource``, e.g. a 2-bit E8P
/// CALDERA backbone) and is decoded a block of rows at a time into a small Float tile, each tile
/// multiplied against the whole batch by one `sgemm` before the next is decoded.
///
/// For `rows` tokens the work is the dense layer's `sgemm` (in tiles) plus one decode of the
/// matrix per call, which a batch of hundreds of tokens hides (the decode is O(m·n), the product
/// O(tokens·m·n)); memory is the stored form plus one tile of ``tileElements`` Floats per call.
///
/// The stored matrix M is W itself (`transposed` false: W = M, m = M.rows outputs), or Wᵀ for a
/// weight stored `[in, out]` (GPT-2's Conv1D: W = Mᵀ, M.rows inputs); then each tile of M's rows
/// meets the matching input columns and the tiles' products are summed.
public struct TiledLinear: LinearOperator {
    /// The stored matrix M.
    public let source: any RowBlockSource
    /// True when W = Mᵀ.
    public let transposed: Bool
    /// b (`outputCount` values), if the layer has one.
    public let bias: [Float]?
    /// Rows of M decoded per tile.
    public let tileRows: Int
    /// Floats per tile by default (about 1 MiB): rows per tile are this over M's columns, at least one.
    public static let tileElements = 1 << 18

    /// W = M (or Mᵀ when `transposed`) with an optional bias, decoded `tileRows` rows at a time
    /// (by default ``tileElements`` Floats' worth).
    public init(_ source: any RowBlockSource, transposed: Bool = false, bias: [Float]? = nil, tileRows: Int? = nil) {
        self.source = source
        self.transposed = transposed
        self.bias = bias
        self.tileRows = max(1, min(source.rows, tileRows ?? Self.tileElements / max(source.columns, 1)))
        precondition(bias == nil || bias!.count == (transposed ? source.columns : source.rows), "TiledLinear: bias width differs from the outputs")
    }

    public var outputCount: Int { transposed ? source.columns : source.rows }
    public var inputCount: Int { transposed ? source.rows : source.columns }
    public var parameterCount: Int { source.rows * source.columns + (bias?.count ?? 0) }

    public func apply(_ input: UnsafePointer<Float>, rows: Int, into output: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let m = source.rows, n = source.columns
        let tile = UnsafeMutablePointer<Float>.allocate(capacity: max(1, tileRows * n))
        defer { tile.deallocate() }
        if transposed && !accumulate {
            // Y = X·M summed over tiles: start from zero.
            output.update(repeating: 0, count: rows * n)
        }
        var start = 0
        while start < m {
            let end = min(m, start + tileRows)
            source.decodeRows(start..<end, into: tile)
            if transposed {
                // Y[rows × n] += X[:, start..<end] · M[start..<end, :]
                Matmul.multiply(m: rows, n: n, k: end - start, a: input + start, lda: m, b: tile, transposeB: false,
                                beta: 1, c: output)
            } else {
                // Y[:, start..<end] = X · M[start..<end, :]ᵀ
                Matmul.multiply(m: rows, n: end - start, k: n, a: input, b: tile, transposeB: true,
                                beta: accumulate ? 1 : 0, c: output + start, ldc: m)
            }
            start = end
        }
        addBias(bias, rows: rows, to: output)
    }
}
