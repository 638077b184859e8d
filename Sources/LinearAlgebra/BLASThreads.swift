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

/// The OpenBLAS library, which rankscope loads on its first BLAS call (see `COpenBLAS.h`).
public enum BLASLibrary {
    /// Loads OpenBLAS now if it is not loaded yet: nil when it is usable, otherwise the one
    /// sentence saying which library could not be loaded and how to install it. Any BLAS call
    /// would print that sentence and exit 1; a full-screen program asks first, before it takes
    /// the terminal.
    public static func loadingProblem() -> String? {
        rankscope_openblas_load_problem().map { String(cString: $0) }
    }
}
