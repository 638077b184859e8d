/// A read-only, row-major, little-endian matrix living in memory someone else owns, typically a
/// memory-mapped safetensors file.
///
/// The source does not copy, retain or free the memory: the owner must keep it mapped for as
/// long as the source (or anything computing from it) is in use. The base address may be
/// unaligned for any format; every read is an unaligned load.
///
/// Element `(i, j)` lives at byte offset `(i · columns + j) · format.byteWidth`.
/// Dimensions are validated by the operations that read the source (they throw
/// ``LinearAlgebraError/invalidDimensions(_:)``), so building one never traps.
public struct MatrixSource: @unchecked Sendable {
    /// Address of element `(0, 0)`.
    public let base: UnsafeRawPointer
    /// Number of rows (`m`).
    public let rows: Int
    /// Number of columns (`n`).
    public let columns: Int
    /// Encoding of every element.
    public let format: ScalarFormat

    /// Describes `rows × columns` elements of `format`, row-major, starting at `base`.
    public init(base: UnsafeRawPointer, rows: Int, columns: Int, format: ScalarFormat) {
        self.base = base
        self.rows = rows
        self.columns = columns
        self.format = format
    }

    /// The number of elements, `rows · columns`.
    ///
    /// - Throws: ``LinearAlgebraError/invalidDimensions(_:)`` when a dimension is negative or the
    ///   byte size does not fit in an `Int`.
    public func validatedElementCount() throws -> Int {
        guard rows >= 0, columns >= 0 else {
            throw LinearAlgebraError.invalidDimensions("\(rows)×\(columns) has a negative dimension.")
        }
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        let (_, byteOverflow) = count.multipliedReportingOverflow(by: format.byteWidth)
        guard !overflow, !byteOverflow else {
            throw LinearAlgebraError.invalidDimensions("\(rows)×\(columns) is too large to address.")
        }
        return count
    }

    /// The element at `(row, column)` converted to `Double`.
    ///
    /// - Precondition: `0 ≤ row < rows` and `0 ≤ column < columns` (like an array subscript).
    public func element(row: Int, column: Int) -> Double {
        precondition(row >= 0 && row < rows && column >= 0 && column < columns,
                     "MatrixSource index (\(row), \(column)) out of range for \(rows)×\(columns)")
        let offset = (row * columns + column) * format.byteWidth
        switch format {
        case .f64: return base.loadUnaligned(fromByteOffset: offset, as: Double.self)
        case .f32: return Double(base.loadUnaligned(fromByteOffset: offset, as: Float.self))
        case .f16:
            return Double(HalfPrecision.float(fromF16: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
        case .bf16:
            return Double(HalfPrecision.float(fromBF16: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
        }
    }
}
