import LinearAlgebra

/// A CALDERA backbone Q (m×n) kept as stored, for a runtime that decodes it a block of rows at a
/// time instead of holding it in Float: E8P codes and row scales (``E8PBackbone``: 2 bits per weight
/// plus 16 per row, with its residual stage at 3 and 4 bits), or scalar codes, scales and zero
/// points (``QuantizedMatrix``).
///
/// ``decodeRows(_:into:)`` writes exactly the Float values a ``DecodedMatrix`` of the dequantized
/// backbone holds, so a runtime on the packed backbone multiplies by the same matrix.
public struct PackedBackbone: Sendable, Equatable {
    /// The stored form.
    enum Codes: Sendable, Equatable {
        case e8p(E8PBackbone)
        case scalar(QuantizedMatrix)
    }

    /// The codes.
    let codes: Codes

    /// m.
    public var rows: Int {
        switch codes {
        case .e8p(let matrix): return matrix.rows
        case .scalar(let matrix): return matrix.rows
        }
    }

    /// n.
    public var columns: Int {
        switch codes {
        case .e8p(let matrix): return matrix.columns
        case .scalar(let matrix): return matrix.columns
        }
    }

    /// Bytes held: the tensors' bytes as written (codes, scales, zero points).
    public var byteCount: Int {
        switch codes {
        case .e8p(let matrix): return matrix.byteCount
        case .scalar(let matrix): return matrix.byteCount
        }
    }

    /// Rows `range` of Q in Float, row-major into `output` (`range.count × columns` values).
    public func decodeRows(_ range: Range<Int>, into output: UnsafeMutablePointer<Float>) {
        switch codes {
        case .e8p(let matrix): matrix.decodeRows(range, into: output)
        case .scalar(let matrix): matrix.decodeRows(range, into: output)
        }
    }

    /// Q in double, as the dense reader forms `Q + A·B` (``DecodedLinear/reconstruction()``).
    public func dequantized() -> Matrix {
        switch codes {
        case .e8p(let matrix): return matrix.dequantized()
        case .scalar(let matrix): return matrix.dequantized()
        }
    }
}
