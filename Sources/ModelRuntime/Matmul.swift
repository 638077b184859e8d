import COpenBLAS
import Foundation

/// The runtime's one entry to `cblas_sgemm` (row-major), metered by ``MatmulMeter``.
enum Matmul {
    /// `C[m×n] = alpha·A[m×k]·op(B) + beta·C`; `B` is `[n×k]` (transposed, `transposeB`) or `[k×n]`.
    /// Leading dimensions default to the packed widths.
    static func multiply(m: Int, n: Int, k: Int, alpha: Float = 1,
                         a: UnsafePointer<Float>, lda: Int? = nil,
                         b: UnsafePointer<Float>, ldb: Int? = nil, transposeB: Bool,
                         beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int? = nil) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            // BLAS treats k = 0 as C = beta·C; do the same without calling it.
            let width = ldc ?? n
            for row in 0..<m {
                for column in 0..<n { c[row * width + column] *= beta }
            }
            return
        }
        let start = DispatchTime.now().uptimeNanoseconds
        cblas_sgemm(CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(lda ?? k), b, Int32(ldb ?? (transposeB ? k : n)), beta, c, Int32(ldc ?? n))
        MatmulMeter.record(flops: 2 * Double(m) * Double(n) * Double(k), since: start)
    }
}
