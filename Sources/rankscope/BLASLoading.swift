import ArgumentParser
import LinearAlgebra

/// Loads OpenBLAS at the start of every command that computes (`spectra`, `plan`, `compress`,
/// `merge`, `tui`, `demo`), rather than at its first BLAS call, so that a missing library is one
/// sentence before any work is done: before a job has claimed its output folder, before a table
/// is half printed, and before the explorer takes the terminal. Commands that never compute
/// (`inspect`, `--version`) do not load it at all. (Under a tight `ulimit -v` the loader itself
/// starts OpenBLAS single-threaded; see `COpenBLAS.h`.)
enum BLASLoading {
    /// Loads OpenBLAS now; prints the one-sentence problem and exits 1 when it cannot be loaded.
    static func require() throws {
        if let problem = BLASLibrary.loadingProblem() {
            Termination.printError(problem)
            throw ExitCode(Termination.userError)
        }
    }
}
