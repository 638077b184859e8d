import COpenBLAS
import Foundation
import LinearAlgebra

/// The machine's reference rate: one `cblas_dgemm` of two n×n double matrices (2n³ flops)
/// with OpenBLAS using every core, the median of `runs` after a warm-up.
enum DGEMMRate {
    /// GFLOP/s and the timing behind it.
    static func measure(order n: Int, runs: Int) -> (gigaflops: Double, timing: Timing) {
        let saved = BLASThreads.count
        BLASThreads.count = ProcessInfo.processInfo.activeProcessorCount
        defer { BLASThreads.count = saved }
        var generator = SeededGenerator(seed: 11)
        let a = (0..<(n * n)).map { _ in generator.nextUniform() - 0.5 }
        let b = (0..<(n * n)).map { _ in generator.nextUniform() - 0.5 }
        var c = [Double](repeating: 0, count: n * n)
        let size = Int32(n)
        let timing = Timing(runs: runs) {
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, size, size, size, 1, a, size, b, size, 0, &c, size)
        }
        return (2 * Double(n) * Double(n) * Double(n) / timing.median / 1e9, timing)
    }
}
