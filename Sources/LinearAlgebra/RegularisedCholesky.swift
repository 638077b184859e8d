/// The Cholesky factor of a symmetric positive semi-definite matrix, shifted onto the positive
/// definite cone when it is singular.
///
/// `dpotrf` is tried on the matrix as given. When it reports a non-positive leading minor (the
/// matrix is singular or numerically indefinite, as activation second moments of channels that
/// never fire or move together are), the diagonal is shifted by `λ·I` with
/// `λ = 1e-6 · trace / n`, and `λ` is doubled until the factorisation succeeds. The factor then
/// satisfies `L·Lᵀ = A + λ·I`; ``shift`` reports the `λ` used (0 when none was needed).
public struct RegularisedCholesky: Sendable {
    /// The lower-triangular factor `L` (strict upper triangle zero).
    public let factor: Matrix
    /// The `λ` added to the diagonal; 0 when `A` itself was positive definite.
    public let shift: Double

    /// How often `λ` may double before giving up (2⁶⁰ · 1e-6 · trace/n dwarfs any PSD matrix).
    public static let maximumDoublings = 60

    /// Factors `matrix` (only its lower triangle is read), regularising as described above.
    ///
    /// - Throws: ``LinearAlgebraError/invalidDimensions(_:)`` when the matrix is not square, or is
    ///   singular with a non-positive trace (nothing to scale the shift by: an all-zero second
    ///   moment), or stays indefinite after ``maximumDoublings`` doublings;
    ///   ``LinearAlgebraError/nonFinite(row:column:)`` for NaN/Inf.
    public init(_ matrix: Matrix) throws {
        do {
            factor = try LAPACK.cholesky(matrix)
            shift = 0
            return
        } catch LinearAlgebraError.lapackFailure(routine: "dpotrf", let info) where info > 0 {}
        let order = matrix.rows
        let trace = (0..<order).reduce(0.0) { $0 + matrix[$1, $1] }
        guard trace > 0 else {
            throw LinearAlgebraError.invalidDimensions(
                "the \(order)×\(order) matrix is singular and its trace is \(trace), so there is no scale for a regularising shift.")
        }
        var lambda = 1e-6 * trace / Double(order)
        for _ in 0...Self.maximumDoublings {
            var shifted = matrix
            for i in 0..<order { shifted[i, i] += lambda }
            do {
                factor = try LAPACK.cholesky(shifted)
                shift = lambda
                return
            } catch LinearAlgebraError.lapackFailure(routine: "dpotrf", let info) where info > 0 {
                lambda *= 2
            }
        }
        throw LinearAlgebraError.invalidDimensions(
            "the \(order)×\(order) matrix stays indefinite after shifting its diagonal by \(lambda / 2); it is not a second-moment matrix.")
    }
}
