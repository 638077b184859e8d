import LinearAlgebra

/// One matrix of a decoded layer in single precision, row-major, as a runtime multiplies by it:
/// element (i, j) is `values[i·columns + j]`.
///
/// Values decoded from 16-bit and F32 tensors are exact (every F16, BF16 and F32 number is a
/// Float). A quantized matrix holds `Float((q − z)·s)`, the dequantized value of docs/compression.md's
/// layout computed in double (as the report's measured error is) and rounded once to Float.
public struct DecodedMatrix: Sendable, Equatable {
    /// Rows.
    public let rows: Int
    /// Columns.
    public let columns: Int
    /// `rows·columns` values, row-major.
    public let values: [Float]

    /// Wraps `values` (`rows·columns` of them, row-major).
    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(rows >= 0 && columns >= 0 && values.count == rows * columns,
                     "\(values.count) values do not fill a \(rows)×\(columns) matrix")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// `matrix` with each entry rounded once to Float (nearest, ties to even).
    init(_ matrix: Matrix) {
        self.init(rows: matrix.rows, columns: matrix.columns, values: matrix.elements.map { Float($0) })
    }

    /// Element (`row`, `column`).
    public subscript(row: Int, column: Int) -> Float { values[row * columns + column] }

    /// The matrix widened to double (exactly), for products and norms in double precision.
    public var widened: Matrix {
        try! Matrix(rows: rows, columns: columns, elements: values.map(Double.init))  // count is rows·columns
    }

    /// The transpose (a runtime applying a layer stored `[in, out]`, GPT-2's Conv1D, wants Wᵀ = Bᵀ·Aᵀ).
    public func transposed() -> DecodedMatrix {
        var result = [Float](repeating: 0, count: values.count)
        for i in 0..<rows { for j in 0..<columns { result[j * rows + i] = values[i * columns + j] } }
        return DecodedMatrix(rows: columns, columns: rows, values: result)
    }
}
