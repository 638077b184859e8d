import COpenBLAS

extension RandomizedSingularValues {
    /// Columns of `W` widened to double at a time for the final projection `QᵀW`.
    static let projectionPanelWidth = 256

    /// The same estimates of a checkpoint's matrix, without widening it to double: the range
    /// finder's products (`W·Ω`, the power iterations' `Wᵀ·Q` and `W·Z`) run in single precision on
    /// the matrix held as `Float` (exact for `f32`, `f16` and `bf16` values), each basis is
    /// orthonormalised in double, and the final projection `B = QᵀW` is in double, `W` widened a
    /// panel of ``projectionPanelWidth`` columns at a time.
    ///
    /// **The bounds are kept.** `σ̂ᵢ = σᵢ(QᵀW) ≤ σᵢ(W)` needs only that `Q` is orthonormal, which the
    /// double-precision orthonormalisation makes it whatever precision found its span; rounding in
    /// the single-precision products only moves that span a little (how close the estimates come),
    /// never above the exact values. The Frobenius norm is summed in double from the exact values.
    /// Half the memory of ``init(of:count:oversampling:powerIterations:seed:isCancelled:)`` on the
    /// whole matrix in double, and single-precision products run about twice as fast. An `f64`
    /// source takes that double path.
    public init(of source: MatrixSource, count: Int, oversampling: Int = defaultOversampling,
                powerIterations: Int = defaultPowerIterations, seed: UInt64 = 0x5EED,
                isCancelled: () -> Bool = { false }) throws {
        if source.format == .f64 {
            try self.init(of: Matrix(source, isCancelled: isCancelled), count: count, oversampling: oversampling,
                          powerIterations: powerIterations, seed: seed, isCancelled: isCancelled)
            return
        }
        try Self.validate(count: count, oversampling: oversampling, powerIterations: powerIterations)
        let m = source.rows, n = source.columns
        let weights = try source.convertedElements(as: Float.self, isCancelled: isCancelled)
        let normSquared = weights.withUnsafeBufferPointer { values in values.reduce(0.0) { $0 + Double($1) * Double($1) } }
        let rows = try LAPACK.fortranInteger(m, "rows"), columns = try LAPACK.fortranInteger(n, "columns")
        // W·X (m×ℓ) or Wᵀ·X (n×ℓ) in single precision, for X in double (n×ℓ or m×ℓ).
        func product(transposed: Bool, _ x: Matrix) throws -> Matrix {
            let width = try LAPACK.fortranInteger(x.columns, "sketch width")
            let factor = x.elements.map(Float.init)
            var result = [Float](repeating: 0, count: (transposed ? n : m) * x.columns)
            weights.withUnsafeBufferPointer { w in
                cblas_sgemm(CblasRowMajor, transposed ? CblasTrans : CblasNoTrans, CblasNoTrans,
                            transposed ? columns : rows, width, transposed ? rows : columns,
                            1, w.baseAddress, columns, factor, width, 0, &result, width)
            }
            return try Matrix(rows: transposed ? n : m, columns: x.columns, elements: result.map(Double.init))
        }
        try self.init(rows: m, columns: n, frobeniusNormSquared: normSquared, count: count, oversampling: oversampling,
                      powerIterations: powerIterations, seed: seed, isCancelled: isCancelled,
                      multiply: { try product(transposed: false, $0) }, transposeMultiply: { try product(transposed: true, $0) },
                      project: { try Self.projection($0, weights, rows: m, columns: n, isCancelled: isCancelled) })
    }

    /// `Qᵀ·W` (ℓ×n) in double, `W` (m×n, row-major `Float`) widened a panel of columns at a time.
    private static func projection(_ basis: Matrix, _ weights: [Float], rows m: Int, columns n: Int,
                                   isCancelled: () -> Bool) throws -> Matrix {
        let width = basis.columns
        var result = [Double](repeating: 0, count: width * n)
        var widened = [Double](repeating: 0, count: m * min(projectionPanelWidth, n))
        for start in stride(from: 0, to: n, by: projectionPanelWidth) {
            if isCancelled() { throw LinearAlgebraError.cancelled }
            let count = min(projectionPanelWidth, n - start)
            weights.withUnsafeBufferPointer { w in
                widened.withUnsafeMutableBufferPointer { d in
                    for i in 0..<m {
                        let from = w.baseAddress! + i * n + start, to = d.baseAddress! + i * count
                        for j in 0..<count { to[j] = Double(from[j]) }
                    }
                }
            }
            result.withUnsafeMutableBufferPointer { b in
                cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(width), Int32(count), Int32(m),
                            1, basis.elements, Int32(width), widened, Int32(count), 0, b.baseAddress! + start, Int32(n))
            }
        }
        return try Matrix(rows: width, columns: n, elements: result)
    }
}
