import COpenBLAS
import Foundation
import LinearAlgebra

/// The single-precision reference rate: one `cblas_sgemm` of two n×n Float matrices (2n³
/// flops) with OpenBLAS using every core, the median of `runs` after a warm-up; the ceiling the
/// model runtime's matmuls (all `sgemm`) are measured against. ``DGEMMRate`` is its double twin.
enum SGEMMRate {
    /// GFLOP/s and the timing behind it.
    static func measure(order n: Int, runs: Int) -> (gigaflops: Double, timing: Timing) {
        var generator = SeededGenerator(seed: 13)
        let a = (0..<(n * n)).map { _ in Float(generator.nextUniform() - 0.5) }
        let b = (0..<(n * n)).map { _ in Float(generator.nextUniform() - 0.5) }
        var c = [Float](repeating: 0, count: n * n)
        let size = Int32(n)
        let timing = Timing(runs: runs) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, size, size, size, 1, a, size, b, size, 0, &c, size)
        }
        return (2 * Double(n) * Double(n) * Double(n) / timing.median / 1e9, timing)
    }
}
