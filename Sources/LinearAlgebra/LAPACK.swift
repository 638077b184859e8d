import COpenBLAS

/// Thin Swift wrappers around the LAPACK routines rankscope needs, one function per routine.
///
/// Each wrapper owns the whole conversation with Fortran: it converts dimensions to 32-bit
/// Fortran `INTEGER`s (Debian's OpenBLAS is LP64), passes `CHARACTER` arguments with their hidden
/// length arguments, runs the workspace query (`lwork = -1`) before the real call, checks `info`
/// and throws ``LinearAlgebraError/lapackFailure(routine:info:)`` when it is non-zero. Nothing
/// outside these files sees a raw pointer.
///
/// **Storage order.** Swift matrices here are row-major; Fortran reads the same buffer as
/// column-major, i.e. as the *transpose*. Each wrapper states how it deals with that:
/// symmetric inputs need nothing (a symmetric matrix equals its transpose, only the triangle
/// flips), the SVD is computed of the transpose and the factors swapped, and QR transposes
/// explicitly because it is not invariant under transposition.
///
/// Inputs are checked for NaN and infinity first (throwing
/// ``LinearAlgebraError/nonFinite(row:column:)``): LAPACK's behaviour on them is unspecified.
public enum LAPACK {}

extension LAPACK {
    /// `n` as a Fortran `INTEGER`, or an error naming what it measures.
    static func fortranInteger(_ value: Int, _ what: String) throws -> Int32 {
        guard value >= 0, let converted = Int32(exactly: value) else {
            throw LinearAlgebraError.invalidDimensions(
                "\(what) = \(value) does not fit LAPACK's 32-bit integers.")
        }
        return converted
    }

    /// Throws unless `info` is zero.
    static func check(_ info: Int32, _ routine: String) throws {
        if info != 0 { throw LinearAlgebraError.lapackFailure(routine: routine, info: Int(info)) }
    }

    /// The workspace length a query reported in `work[0]`, at least `minimum`.
    ///
    /// The query returns the size as a `Double`; it is rounded up so a value that lost bits in
    /// the conversion is never one element short.
    static func workspaceLength(_ reported: Double, minimum: Int32, _ routine: String) throws -> Int32 {
        guard reported.isFinite, reported < Double(Int32.max) else {
            throw LinearAlgebraError.invalidDimensions("\(routine) asked for an unaddressable workspace.")
        }
        return max(Int32(reported.rounded(.up)), minimum, 1)
    }

    /// Throws at the first non-finite element of a row-major `rows × columns` buffer.
    static func requireFinite(_ values: UnsafeBufferPointer<Double>, columns: Int) throws {
        var allFinite = true
        for value in values { allFinite = allFinite && value.isFinite }
        if allFinite { return }
        for (index, value) in values.enumerated() where !value.isFinite {
            let width = max(columns, 1)
            throw LinearAlgebraError.nonFinite(row: index / width, column: index % width)
        }
    }

    /// The Fortran `CHARACTER` value for an ASCII letter.
    static func character(_ letter: Unicode.Scalar) -> CChar {
        CChar(truncatingIfNeeded: UInt8(ascii: letter))
    }
}
