import COpenBLAS

/// The number of threads OpenBLAS uses for each BLAS/LAPACK call.
///
/// This is **process-wide** state: setting it affects every BLAS call from every thread, including
/// calls already queued by other code. A program running its own pool of workers that each call
/// BLAS should lower this (for example to `cores / workers`, often 1) or the two levels of
/// parallelism oversubscribe the cores.
public enum BLASThreads {
    /// OpenBLAS's current thread count; setting clamps to at least 1.
    public static var count: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(clamping: max(1, newValue))) }
    }
}
