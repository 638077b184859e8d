import COpenBLAS
import Foundation

/// All singular values of a checkpoint matrix, in double precision, without a double copy of it.
///
/// ``compute(_:panelWidth:isCancelled:progress:precision:stages:)`` works on the smaller side `s = min(m, n)`: it builds
/// the `s × s` Gram matrix `G` (`W·Wᵀ` when `m ≤ n`, `Wᵀ·W` otherwise) by converting panels of
/// the source to `Double` on the fly and accumulating each panel with `cblas_dsyrk`, then takes
/// the eigenvalues of `G` with `dsyevd` (`jobz = "N"`), clamps tiny negative ones to zero and
/// returns their square roots in descending order. Memory is `8·(s² + s·panel)` bytes, never
/// `8·m·n`.
///
/// **Why this is accurate enough.** The eigenvalues `λᵢ = σᵢ²` of `G` are computed with absolute
/// error about `ε·‖G‖ = ε·σ_max²` (`ε = 2⁻⁵³`, times a modest dimension factor from the Gram sums
/// and the eigensolver). Since `dσ = dλ / (2σ)`, the error on `σᵢ` is about `ε·σ_max²/σᵢ` for the
/// large singular values, and at most about `√ε·σ_max ≈ 1.5·10⁻⁸·σ_max` for those near zero
/// (where `σᵢ = √(λᵢ ± ε·σ_max²)`). So every singular value is within roughly `10⁻⁸·σ_max` of a
/// backward-stable SVD — far below the rounding of the f32/f16/bf16 weights themselves and far
/// below anything a spectrum plot or a rank choice can see. It does lose *relative* accuracy on
/// singular values below `√ε·σ_max`; use ``computeExactly(_:isCancelled:)`` (`dgesdd` on a full
/// double copy) when those matter or as a cross-check.
///
/// `f64` sources are rescaled by an exact power of two first when their largest magnitude is
/// outside `[2⁻⁴⁰⁰, 2⁴⁰⁰]`, so the squares in `G` cannot overflow or underflow; narrower formats
/// cannot overflow a `Double` Gram matrix.
public enum SingularValues {
    /// The panel width (columns per panel when `m ≤ n`, rows per panel otherwise) used by default.
    ///
    /// Chosen by measurement (release build, 2-core x86_64, OpenBLAS 0.3.21, 2 BLAS threads,
    /// unaligned `f32` sources): 4096×4096 took 2.89 / 2.92 / 2.89 s and 4096×11008 took
    /// 4.29 / 3.97 / 3.97 s with panels of 256 / 512 / 1024. Time is split between `dsyrk`
    /// (≈ 1.8 s for 4096×11008) and `dsyevd` (≈ 2.2 s at order 4096); the on-the-fly conversion
    /// costs ≈ 0.05 s per 45 M elements. Below 512 `dsyrk`'s inner dimension gets too shallow;
    /// above it nothing is gained and the panel buffer (`8·s·width` bytes, 16 MiB at
    /// `s = 4096`) only grows.
    public static let defaultPanelWidth = 512

    /// The panel width `compute` uses when none is given: ``defaultPanelWidth``, widened for very
    /// thin matrices so each `dsyrk` call still processes at least 64 Ki elements.
    public static func automaticPanelWidth(smallerSide s: Int) -> Int {
        max(defaultPanelWidth, 65_536 / max(s, 1))
    }

    /// All `min(m, n)` singular values of `source`, descending, computed in double precision via
    /// the Gram matrix of the smaller side (see the type's documentation).
    ///
    /// - Parameters:
    ///   - source: the matrix; any ``ScalarFormat``, any alignment.
    ///   - panelWidth: columns (or rows) converted and accumulated at a time, clamped to at least 1;
    ///     `nil` (the default) picks ``automaticPanelWidth(smallerSide:)``.
    ///   - isCancelled: polled between panels; returning `true` aborts with
    ///     ``LinearAlgebraError/cancelled``. The final eigen-decomposition cannot be interrupted.
    ///   - progress: called after each panel and at the end with an estimate of the fraction of
    ///     the work done, in `[0, 1]`. The estimate weighs the `dsyrk` accumulation (`s²·max(m, n)`
    ///     flops) against the uninterruptible `dsyevd` (measured ≈ 3.2·s³ flop-equivalents), so
    ///     it jumps from the last panel's value to 1 while `dsyevd` runs.
    /// - Returns: `min(m, n)` non-negative values, largest first; `[]` when a dimension is 0.
    /// - Throws: ``LinearAlgebraError/nonFinite(row:column:)`` at the first NaN/Inf met (in panel
    ///   order), ``LinearAlgebraError/cancelled``, ``LinearAlgebraError/invalidDimensions(_:)``
    ///   for impossible sizes or a Gram matrix larger than physical memory,
    ///   ``LinearAlgebraError/insufficientAddressSpace(purpose:needed:available:limit:)`` when an
    ///   address-space limit leaves no room for the work (see ``AddressSpace``),
    ///   ``LinearAlgebraError/lapackFailure(routine:info:)`` if `dsyevd` fails.
    ///   - precision: ``GramPrecision/double`` (the default) or ``GramPrecision/single`` (see
    ///     there; `f64` sources always take the double path).
    ///   - stages: called once at the end with the seconds spent in each stage (for benchmarks).
    public static func compute(_ source: MatrixSource, panelWidth: Int? = nil,
                               isCancelled: () -> Bool = { false },
                               progress: (Double) -> Void = { _ in },
                               precision: GramPrecision = .double,
                               stages: (StageSeconds) -> Void = { _ in }) throws -> [Double] {
        _ = try source.validatedElementCount()
        let m = source.rows, n = source.columns
        let s = min(m, n), long = max(m, n)
        if s == 0 { return [] }
        try requireMemory(bytes: 8 * Double(s) * Double(s), for: "the \(s)×\(s) Gram matrix")
        if isCancelled() { throw LinearAlgebraError.cancelled }
        let width = min(long, max(1, panelWidth ?? automaticPanelWidth(smallerSide: s)))
        let single = precision == .single && source.format != .f64
        // Double: the Gram matrix and one panel; single: the float Gram matrix and its widened copy.
        try AddressSpace.requireHeadroom(bytes: single ? Double(s) * Double(12 * s + 4 * width) : 8 * Double(s) * Double(s + width),
                                         for: "The \(m)×\(n) spectrum")

        var scale = 1.0
        if source.format == .f64 {
            scale = MatrixSource.scale(forMaximum: try source.maximumMagnitudeOfDoubles(isCancelled: isCancelled))
        }
        let order = try LAPACK.fortranInteger(s, "min(rows, columns)")
        _ = try LAPACK.fortranInteger(s * width, "panel size")

        // Work in units of "one panel column/row of dsyrk"; dsyevd counts as 3.2·s of them.
        let totalWork = Double(long) + 3.2 * Double(s)
        var seconds = StageSeconds()
        var clock = StageSeconds.Clock()
        var gram: [Double]
        if single {
            var singleGram = [Float](repeating: 0, count: s * s)
            try accumulate(source, into: &singleGram, width: width, scale: 1, seconds: &seconds, clock: &clock,
                           isCancelled: isCancelled, progress: { progress($0 / totalWork) }) { trans, k, panel, lda, gram in
                cblas_ssyrk(CblasRowMajor, CblasUpper, trans, order, k, 1, panel, lda, 1, gram, order)
            }
            gram = singleGram.map(Double.init)
        } else {
            gram = [Double](repeating: 0, count: s * s)
            try accumulate(source, into: &gram, width: width, scale: scale, seconds: &seconds, clock: &clock,
                           isCancelled: isCancelled, progress: { progress($0 / totalWork) }) { trans, k, panel, lda, gram in
                cblas_dsyrk(CblasRowMajor, CblasUpper, trans, order, k, 1, panel, lda, 1, gram, order)
            }
        }
        if isCancelled() { throw LinearAlgebraError.cancelled }
        // dsyrk filled the row-major upper triangle, which is what the wrapper reads.
        _ = clock.lap()
        let eigenvalues = try LAPACK.symmetricEigenvalues(&gram, order: s)
        seconds.eigenvalues = clock.lap()
        stages(seconds)
        progress(1)
        let unscale = 1 / scale
        return eigenvalues.reversed().map { max($0, 0).squareRoot() * unscale }
    }

    /// Accumulates the upper triangle of the row-major Gram matrix of `source`'s smaller side
    /// into `gram`, converting `width` columns (or rows) at a time into a panel of `Element` and
    /// handing it to `syrk(transpose, k, panel, leading dimension, gram)`.
    private static func accumulate<Element: BinaryFloatingPoint>(
        _ source: MatrixSource, into gram: inout [Element], width: Int, scale: Double,
        seconds: inout StageSeconds, clock: inout StageSeconds.Clock, isCancelled: () -> Bool,
        progress: (Double) -> Void,
        syrk: (CBLAS_TRANSPOSE, Int32, UnsafePointer<Element>, Int32, UnsafeMutablePointer<Element>) -> Void
    ) throws {
        let m = source.rows, n = source.columns
        let s = min(m, n), long = max(m, n)
        var panel = [Element](repeating: 0, count: s * width)
        try HalfPrecision.f16Table.withUnsafeBufferPointer { table in
            try panel.withUnsafeMutableBufferPointer { panelBuffer in
                try gram.withUnsafeMutableBufferPointer { gramBuffer in
                    guard let panelStart = panelBuffer.baseAddress,
                          let gramStart = gramBuffer.baseAddress else { return }
                    var start = 0
                    while start < long {
                        if isCancelled() { throw LinearAlgebraError.cancelled }
                        let count = min(width, long - start)
                        let k = Int32(count) // ≤ width, and s · width fits an Int32
                        if m <= n {
                            // Columns start..<start+count of every row → row-major m × count panel P;
                            // G += P·Pᵀ.
                            for row in 0..<m {
                                if let column = source.convertRun(row: row, column: start, count: count,
                                                                  scale: scale, into: panelStart + row * count,
                                                                  f16Table: table) {
                                    throw LinearAlgebraError.nonFinite(row: row, column: column)
                                }
                            }
                            seconds.conversion += clock.lap()
                            syrk(CblasNoTrans, k, panelStart, k, gramStart)
                        } else {
                            // Rows start..<start+count, contiguous → row-major count × n panel P;
                            // G += Pᵀ·P.
                            for offset in 0..<count {
                                if let column = source.convertRun(row: start + offset, column: 0, count: n,
                                                                  scale: scale, into: panelStart + offset * n,
                                                                  f16Table: table) {
                                    throw LinearAlgebraError.nonFinite(row: start + offset, column: column)
                                }
                            }
                            seconds.conversion += clock.lap()
                            syrk(CblasTrans, k, panelStart, Int32(s), gramStart)
                        }
                        seconds.gram += clock.lap()
                        start += count
                        progress(Double(start))
                    }
                }
            }
        }
    }

    /// All `min(m, n)` singular values of `source`, descending, by `dgesdd` (`jobz = "N"`) on a
    /// full double-precision copy: backward stable, with small singular values accurate relative
    /// to `σ_max·ε` rather than `σ_max·√ε`.
    ///
    /// Needs `8·m·n` bytes plus `dgesdd`'s workspace; meant for small matrices and as a
    /// cross-check of ``compute(_:panelWidth:isCancelled:progress:precision:stages:)``.
    /// - Throws: as ``compute(_:panelWidth:isCancelled:progress:precision:stages:)``; cancellation is polled during the
    ///   conversion only.
    public static func computeExactly(_ source: MatrixSource,
                                      isCancelled: () -> Bool = { false }) throws -> [Double] {
        let count = try source.validatedElementCount()
        if count == 0 { return [] }
        try requireMemory(bytes: 8 * Double(count), for: "a \(source.rows)×\(source.columns) double copy")
        var elements = try source.convertedElements(isCancelled: isCancelled)
        if isCancelled() { throw LinearAlgebraError.cancelled }
        return try LAPACK.singularValues(&elements, rows: source.rows, columns: source.columns)
    }

    /// The precision the Gram matrix is accumulated in; the eigenvalues are always taken in double.
    ///
    /// `.single` converts panels to `Float` (exact for f32, bf16 and f16 weights) and accumulates
    /// them with `ssyrk`, which runs at about 1.7–2× `dsyrk`'s rate on this machine; the
    /// eigenvalues of the widened matrix then carry the float accumulation's error, about
    /// √l·2⁻²⁴·σ₁² per entry for inner dimension l (l·2⁻²⁴·‖W‖²_F at worst), instead of double's
    /// 2⁻⁵³. Nothing in rankscope chooses it yet: the bench and the tests compare its energy ranks
    /// and errors with the double path's (see docs/performance.md).
    public enum GramPrecision: Sendable {
        /// `dsyrk` on `Double` panels: singular values within ~10⁻⁸·σ₁ of a backward-stable SVD.
        case double
        /// `ssyrk` on `Float` panels.
        case single
    }

    /// Seconds spent in each stage of ``compute(_:panelWidth:isCancelled:progress:precision:stages:)``:
    /// converting panels to `Double`, accumulating them into the Gram matrix (`dsyrk`), and the
    /// eigenvalues (`dsyevd`).
    public struct StageSeconds: Sendable, Equatable {
        /// Converting source panels to `Double`.
        public var conversion = 0.0
        /// Accumulating the Gram matrix.
        public var gram = 0.0
        /// The eigenvalues of the Gram matrix.
        public var eigenvalues = 0.0

        /// All zero.
        public init() {}

        /// A monotonic stopwatch whose ``lap()`` gives the seconds since the previous lap.
        struct Clock {
            private var last = DispatchTime.now().uptimeNanoseconds

            mutating func lap() -> Double {
                let now = DispatchTime.now().uptimeNanoseconds
                defer { last = now }
                return Double(now - last) / 1e9
            }
        }
    }

    /// Refuses allocations larger than the machine's physical memory (which would end in the
    /// out-of-memory killer rather than an error message).
    static func requireMemory(bytes: Double, for purpose: String) throws {
        let physical = Double(ProcessInfo.processInfo.physicalMemory)
        if physical > 0 && bytes > physical {
            let gib = { (value: Double) in String(format: "%.1f GiB", value / 1_073_741_824) }
            throw LinearAlgebraError.invalidDimensions(
                "\(purpose) needs \(gib(bytes)), more than this machine's \(gib(physical)) of memory.")
        }
    }
}
