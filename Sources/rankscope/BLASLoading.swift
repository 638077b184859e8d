import ArgumentParser
import LinearAlgebra

/// Loads OpenBLAS at the start of every command that computes (`spectra`, `plan`, `compress`,
/// `merge`, `tui`, `demo`), rather than at its first BLAS call:
/// - a missing library is one sentence before any work is done (and before the explorer takes
///   the terminal);
/// - OpenBLAS's initialisation allocates a buffer per thread, and under a tight `ulimit -v` a
///   failed allocation there hangs instead of failing. At start the address space is still
///   free, as it was when OpenBLAS was linked; later the command has mapped files and started
///   threads, and the same limit can leave too little. ``LinearAlgebra/AddressSpace`` then checks
///   each matrix's headroom with the library already in place.
/// Commands that never compute (`inspect`, `--version`) do not load it at all.
enum BLASLoading {
    /// Loads OpenBLAS now; prints the one-sentence problem and exits 1 when it cannot be loaded.
    static func require() throws {
        if let problem = BLASLibrary.loadingProblem() {
            Termination.printError(problem)
            throw ExitCode(Termination.userError)
        }
    }
}
