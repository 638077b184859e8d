import Foundation
import LinearAlgebra

/// Data-aware spectra: the singular values of `W·S`, `S` from the activation statistics (see
/// ``Whitening``), so that the tail energies are squared output errors ‖(W − W_k)·X‖².
///
/// **Memory.** Each matrix is whitened into a dense double `W·S` (built row panel by row panel,
/// so `W` itself is never held in double) and handed to `dgesdd`: about ``bytes(rows:columns:)``
/// per matrix, far more than the Gram method's.
///
/// **Why not the Gram route.** ``SingularValues`` takes plain spectra as square roots of the
/// eigenvalues of the smaller Gram matrix, which is interruptible between panels but has an
/// absolute error of about `ε·σ_max²/σᵢ`. Whitening makes `W·S` ill-conditioned (activation
/// channels span many decades): measured against numpy's `svd(W @ S)`, the Gram route's relative
/// output-error estimates `√(tail_k/total)` were off by 1.6e-8 at condition 7e4 (the end-to-end
/// test's 16×10 case, whose tolerance is 1e-8), 8e-7 at 6e5, and 100% at 6e9 (activations
/// spanning eight decades, common in LLMs with outlier channels). So the singular values stay
/// `dgesdd`'s, backward stable.
///
/// **Cancellation.** The flag is polled while `W` is converted and whitened (between row
/// panels), before and after the whitening's Cholesky factorisation and before the SVD. Two
/// LAPACK calls cannot be interrupted: `dpotrf` of the n×n second moment (`n³/3` flops) and
/// `dgesdd` of `W·S` (about `4·max·min²`); a cancelled ``SpectrumEngine`` run ends once they
/// return (see its cancellation notes).
public struct WhitenedSpectrumMethod: SpectrumMethod {
    /// The statistics `S` comes from.
    public let statistics: ActivationStatistics

    /// Elements per row panel of `W` converted and whitened at a time (32 MiB of doubles), so
    /// cancellation is noticed between panels and `W` is never held whole in double.
    public static let panelElements = 1 << 22

    /// A method whitening by `statistics`.
    public init(statistics: ActivationStatistics) {
        self.statistics = statistics
    }

    public var kind: SpectrumKind { .dataAware }
    /// ``SpectrumCache/whitenedMethodTag`` + `:` + the statistics file's fingerprint.
    public var cacheTag: String { SpectrumCache.whitenedMethodTag + ":" + statistics.fingerprint }
    public var recordsWhitening: Bool { true }

    /// m·n² for `W·S` (triangular product) and about 4·max·min² for the singular values.
    public func flops(rows: Int, columns: Int) -> Double {
        let m = Double(rows), n = Double(columns)
        return m * n * n + 4 * max(m, n) * min(m, n) * min(m, n)
    }

    /// The larger of its two phases: reading and factoring the second moment (up to three n×n
    /// matrices: the moment, a shifted copy, the factor), then the factor, `W·S` in double (which
    /// `dgesdd` works in), a converted and a whitened row panel, and `dgesdd`'s workspace.
    /// Conservative for diagonal statistics.
    public func bytes(rows: Int, columns: Int) -> Double {
        let m = Double(rows), n = Double(columns), small = Double(min(rows, columns))
        let panel = Double(Self.panelRows(rows: rows, columns: columns)) * n
        let factoring = 3 * n * n
        let decomposing = n * n + m * n + 2 * panel + 11 * small + max(m, n) + 4 * small
        return 8 * max(factoring, decomposing)
    }

    public func compute(_ source: MatrixSource, tensorName: String, isCancelled: @escaping () -> Bool) throws -> SpectrumValues {
        let (rows, columns) = (source.rows, source.columns)
        try AddressSpace.requireHeadroom(bytes: bytes(rows: rows, columns: columns),
                                         for: "The \(rows)×\(columns) data-aware spectrum")
        if isCancelled() { throw LinearAlgebraError.cancelled }
        let whitening: Whitening
        do {
            whitening = try statistics.whitening(forWeight: tensorName)   // dpotrf: not interruptible
        } catch let error as ActivationStatisticsError {
            throw SpectrumError(tensorName: tensorName, problem: "has unusable activation statistics in \(error.path): \(error.problem)")
        }
        if isCancelled() { throw LinearAlgebraError.cancelled }
        var whitened = try Self.whitenedElements(of: source, by: whitening, isCancelled: isCancelled)
        if isCancelled() { throw LinearAlgebraError.cancelled }
        let values = try LAPACK.singularValues(&whitened, rows: rows, columns: columns)   // not interruptible
        return SpectrumValues(singularValues: values, whitening: whitening.summary)
    }

    /// Rows per panel: ``panelElements`` worth, at least one, at most the matrix.
    static func panelRows(rows: Int, columns: Int) -> Int {
        max(1, min(rows, panelElements / max(columns, 1)))
    }

    /// `W·S` row-major in double, built one row panel of `source` at a time (rows of `W·S` are
    /// the whitened rows of `W`), polling `isCancelled` during each panel's conversion and
    /// between panels. `rowsPerPanel` defaults to ``panelRows(rows:columns:)``.
    ///
    /// - Throws: ``LinearAlgebraError/nonFinite(row:column:)`` with the row in the whole matrix,
    ///   ``LinearAlgebraError/cancelled``, or what ``Whitening/whiten(_:)`` throws.
    static func whitenedElements(of source: MatrixSource, by whitening: Whitening, rowsPerPanel: Int? = nil,
                                 isCancelled: () -> Bool) throws -> [Double] {
        let m = source.rows, n = source.columns
        let step = max(1, rowsPerPanel ?? panelRows(rows: m, columns: n))
        var elements: [Double] = []
        elements.reserveCapacity(m * n)
        var start = 0
        while start < m {
            if isCancelled() { throw LinearAlgebraError.cancelled }
            let count = min(step, m - start)
            let rows = MatrixSource(base: source.base + start * n * source.format.byteWidth, rows: count, columns: n, format: source.format)
            do {
                elements += try whitening.whiten(try Matrix(rows, isCancelled: isCancelled)).elements
            } catch LinearAlgebraError.nonFinite(let row, let column) {
                throw LinearAlgebraError.nonFinite(row: start + row, column: column)
            }
            start += count
        }
        return elements
    }
}
