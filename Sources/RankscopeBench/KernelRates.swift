import COpenBLAS
import Foundation
import LinearAlgebra

/// The four BLAS rates the whole-model floor is stated in, measured on one thread in the same
/// run: `dgemm`/`sgemm` of two n×n matrices (2n³ flops) and `dsyrk`/`ssyrk` of an n×n panel
/// into one triangle of an n×n Gram matrix (n³ flops, the count ``SpectrumEngine/flops`` uses).
struct KernelRates {
    var dgemm = 0.0, sgemm = 0.0, dsyrk = 0.0, ssyrk = 0.0

    /// GFLOP/s of each kernel at order `n` on `threads` BLAS threads, median of `runs`.
    static func measure(order n: Int, threads: Int, runs: Int) -> KernelRates {
        let saved = BLASThreads.count
        BLASThreads.count = threads
        defer { BLASThreads.count = saved }
        var generator = SeededGenerator(seed: 17)
        let a = (0..<(n * n)).map { _ in generator.nextUniform() - 0.5 }
        let b = (0..<(n * n)).map { _ in generator.nextUniform() - 0.5 }
        let af = a.map(Float.init), bf = b.map(Float.init)
        var c = [Double](repeating: 0, count: n * n)
        var cf = [Float](repeating: 0, count: n * n)
        let size = Int32(n)
        let cube = Double(n) * Double(n) * Double(n)
        func rate(_ flops: Double, _ body: () -> Void) -> Double { flops / Timing(runs: runs, body).median / 1e9 }
        var rates = KernelRates()
        rates.dgemm = rate(2 * cube) {
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, size, size, size, 1, a, size, b, size, 0, &c, size)
        }
        rates.sgemm = rate(2 * cube) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, size, size, size, 1, af, size, bf, size, 0, &cf, size)
        }
        rates.dsyrk = rate(cube) { cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, size, size, 1, a, size, 0, &c, size) }
        rates.ssyrk = rate(cube) { cblas_ssyrk(CblasRowMajor, CblasUpper, CblasNoTrans, size, size, 1, af, size, 0, &cf, size) }
        return rates
    }
}
