import LinearAlgebra

/// Builders for test matrices with controlled spectra, and their byte encodings.
enum TestMatrices {
    /// `U·diag(sigma)·Vᵀ` with random orthonormal `U` (rows × k), `V` (columns × k), `k = sigma.count`,
    /// plus Gaussian noise of standard deviation `noise`.
    static func withSpectrum(rows: Int, columns: Int, sigma: [Double], noise: Double = 0,
                             seed: UInt64) throws -> Matrix {
        var generator = SeededGenerator(seed: seed)
        let k = sigma.count
        let u = try LAPACK.orthonormalBasis(of: Matrix.gaussian(rows: rows, columns: k, using: &generator))
        var v = try LAPACK.orthonormalBasis(of: Matrix.gaussian(rows: columns, columns: k, using: &generator))
        for i in 0..<columns { for j in 0..<k { v[i, j] *= sigma[j] } }
        var result = try u.multiplied(by: v.transposed())
        if noise > 0 {
            for i in 0..<rows { for j in 0..<columns { result[i, j] += noise * generator.nextGaussian() } }
        }
        return result
    }

    /// Little-endian bytes of `matrix` in `format`, with `padding` leading bytes (to test
    /// unaligned sources). F16 uses Swift's own `Float16` so the encoding is independent of the
    /// code under test.
    static func bytes(of matrix: Matrix, format: ScalarFormat, padding: Int = 0) -> [UInt8] {
        var out = [UInt8](repeating: 0xAB, count: padding)
        out.reserveCapacity(padding + matrix.elements.count * format.byteWidth)
        for value in matrix.elements {
            switch format {
            case .f64: withUnsafeBytes(of: value.bitPattern.littleEndian) { out.append(contentsOf: $0) }
            case .f32: withUnsafeBytes(of: Float(value).bitPattern.littleEndian) { out.append(contentsOf: $0) }
            case .f16: withUnsafeBytes(of: Float16(Float(value)).bitPattern.littleEndian) { out.append(contentsOf: $0) }
            case .bf16: withUnsafeBytes(of: HalfPrecision.bf16Bits(from: Float(value)).littleEndian) { out.append(contentsOf: $0) }
            }
        }
        return out
    }

    /// numpy's name of a format.
    static func name(of format: ScalarFormat) -> String {
        switch format {
        case .f64: return "f64"
        case .f32: return "f32"
        case .f16: return "f16"
        case .bf16: return "bf16"
        }
    }

    /// Runs `body` with a ``MatrixSource`` over `bytes` starting `padding` bytes in.
    static func withSource<R>(_ bytes: [UInt8], padding: Int = 0, rows: Int, columns: Int,
                              format: ScalarFormat, _ body: (MatrixSource) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { raw in
            // An empty array may have no base address; any valid pointer will do for 0 elements.
            let base = raw.baseAddress.map { $0 + padding } ?? UnsafeRawPointer(bitPattern: 0x10)!
            return try body(MatrixSource(base: base, rows: rows, columns: columns, format: format))
        }
    }
}
