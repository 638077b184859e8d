import COpenBLAS

/// An owned, dense, row-major matrix of `Double`s.
///
/// Element `(i, j)` is `elements[i · columns + j]`. This is the working type for everything
/// small enough to hold in double precision (Gram matrices, factors, test fixtures); tensors
/// of a checkpoint stay in their ``MatrixSource`` and are converted on the fly where possible.
public struct Matrix: Sendable, Equatable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The `rows · columns` elements in row-major order.
    public internal(set) var elements: [Double]

    /// A `rows × columns` matrix with every element equal to `value`.
    ///
    /// - Precondition: `rows ≥ 0` and `columns ≥ 0` (like `Array(repeating:count:)`).
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must not be negative")
        self.rows = rows
        self.columns = columns
        self.elements = [Double](repeating: value, count: rows * columns)
    }

    /// A `rows × columns` matrix holding `elements` in row-major order.
    ///
    /// - Throws: ``LinearAlgebraError/invalidDimensions(_:)`` when a dimension is negative or
    ///   `elements.count ≠ rows · columns`.
    public init(rows: Int, columns: Int, elements: [Double]) throws {
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard rows >= 0, columns >= 0, !overflow, count == elements.count else {
            throw LinearAlgebraError.invalidDimensions(
                "\(rows)×\(columns) does not match \(elements.count) elements.")
        }
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// The `order × order` identity matrix.
    ///
    /// - Precondition: `order ≥ 0`.
    public static func identity(order: Int) -> Matrix {
        var result = Matrix(rows: order, columns: order)
        for i in 0..<order { result.elements[i * order + i] = 1 }
        return result
    }

    /// A matrix of independent standard normal samples drawn from `generator`, row by row.
    ///
    /// - Precondition: `rows ≥ 0` and `columns ≥ 0`.
    public static func gaussian(rows: Int, columns: Int, using generator: inout SeededGenerator) -> Matrix {
        var result = Matrix(rows: rows, columns: columns)
        for index in result.elements.indices { result.elements[index] = generator.nextGaussian() }
        return result
    }

    /// The element at `(row, column)`.
    ///
    /// - Precondition: the position is inside the matrix (like an array subscript).
    public subscript(row: Int, column: Int) -> Double {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns,
                         "Matrix index (\(row), \(column)) out of range for \(rows)×\(columns)")
            return elements[row * columns + column]
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns,
                         "Matrix index (\(row), \(column)) out of range for \(rows)×\(columns)")
            elements[row * columns + column] = newValue
        }
    }

    /// The `columns × rows` transpose (cache-blocked copy).
    public func transposed() -> Matrix {
        var result = Matrix(rows: columns, columns: rows)
        let m = rows, n = columns, block = 32
        elements.withUnsafeBufferPointer { source in
            result.elements.withUnsafeMutableBufferPointer { target in
                var i0 = 0
                while i0 < m {
                    let i1 = min(i0 + block, m)
                    var j0 = 0
                    while j0 < n {
                        let j1 = min(j0 + block, n)
                        for i in i0..<i1 {
                            for j in j0..<j1 { target[j * m + i] = source[i * n + j] }
                        }
                        j0 = j1
                    }
                    i0 = i1
                }
            }
        }
        return result
    }

    /// The product `self · other` (`cblas_dgemm`).
    ///
    /// - Throws: ``LinearAlgebraError/invalidDimensions(_:)`` when `columns ≠ other.rows` or a
    ///   dimension exceeds BLAS's 32-bit integers.
    public func multiplied(by other: Matrix) throws -> Matrix {
        guard columns == other.rows else {
            throw LinearAlgebraError.invalidDimensions(
                "cannot multiply \(rows)×\(columns) by \(other.rows)×\(other.columns).")
        }
        var result = Matrix(rows: rows, columns: other.columns)
        if rows == 0 || other.columns == 0 || columns == 0 { return result }
        let m = try LAPACK.fortranInteger(rows, "rows")
        let k = try LAPACK.fortranInteger(columns, "inner dimension")
        let n = try LAPACK.fortranInteger(other.columns, "columns")
        elements.withUnsafeBufferPointer { a in
            other.elements.withUnsafeBufferPointer { b in
                result.elements.withUnsafeMutableBufferPointer { c in
                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k,
                                1, a.baseAddress, k, b.baseAddress, n, 0, c.baseAddress, n)
                }
            }
        }
        return result
    }

    /// The Frobenius norm `sqrt(Σ aᵢⱼ²)`, computed with scaling so it neither overflows nor
    /// underflows for any finite input (NaN in, NaN out).
    public var frobeniusNorm: Double {
        elements.withUnsafeBufferPointer { values in
            var largest = 0.0
            for value in values { largest = max(largest, abs(value)) }
            guard largest > 0, largest.isFinite else {
                return values.contains(where: { $0.isNaN }) ? .nan : largest
            }
            let inverse = 1 / largest
            var sum = 0.0
            if inverse.isFinite {
                for value in values { let scaled = value * inverse; sum += scaled * scaled }
            } else {
                for value in values { let scaled = value / largest; sum += scaled * scaled }
            }
            return largest * sum.squareRoot()
        }
    }
}
