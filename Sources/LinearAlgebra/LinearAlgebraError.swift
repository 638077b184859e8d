/// Errors thrown by the `LinearAlgebra` module.
///
/// Every case is something a caller can act on: a LAPACK routine that refused its input, a
/// non-finite element in a tensor (callers add the tensor's name), a cancellation the caller asked
/// for, or dimensions that cannot be processed.
public enum LinearAlgebraError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A LAPACK routine returned a non-zero `info`.
    ///
    /// Negative `info` means argument number `-info` was illegal (a bug in the wrapper);
    /// positive `info` is the routine's own failure report (for example `dpotrf` with `info = k`:
    /// the leading minor of order `k` is not positive definite).
    case lapackFailure(routine: String, info: Int)
    /// The input holds a NaN or an infinity at this zero-based position.
    case nonFinite(row: Int, column: Int)
    /// The caller's cancellation check returned `true`.
    case cancelled
    /// The dimensions cannot be processed; the associated text says why.
    case invalidDimensions(String)
    /// The address-space limit (`ulimit -v`) leaves too little room for the work (bytes).
    case insufficientAddressSpace(purpose: String, needed: Double, available: Double, limit: Double)

    /// One sentence describing the error.
    public var description: String {
        switch self {
        case let .lapackFailure(routine, info):
            if info < 0 {
                return "LAPACK routine \(routine) rejected argument \(-info) (info = \(info))."
            }
            return "LAPACK routine \(routine) failed with info = \(info)."
        case let .nonFinite(row, column):
            return "The matrix holds a NaN or infinity at row \(row), column \(column)."
        case .cancelled:
            return "The computation was cancelled."
        case let .invalidDimensions(reason):
            return "Invalid matrix dimensions: \(reason)"
        case let .insufficientAddressSpace(purpose, needed, available, limit):
            let mib = { (value: Double) in String(format: "%.0f MiB", value / 1_048_576) }
            return "\(purpose) needs about \(mib(needed)) of address space with its BLAS buffer, but only \(mib(available)) of the \(mib(limit)) limit (ulimit -v) is free; raise the limit or use fewer --jobs."
        }
    }
}
