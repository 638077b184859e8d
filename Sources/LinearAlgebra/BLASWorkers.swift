import Foundation

/// Worker threads that call BLAS or LAPACK for a pool, counted process-wide, so that nothing
/// leaves the process while one of them is still inside a call.
///
/// Why: `exit()` runs OpenBLAS's exit handler (`gotoblas_quit`), which joins OpenBLAS's own
/// thread pool. When a worker is still inside a multi-threaded BLAS call at that moment, the join
/// can wait forever (seen under gdb: `blas_thread_shutdown` → `pthread_join`, after Ctrl-C in
/// `rankscope spectra`). So every pool that runs BLAS on threads of its own (the spectrum engine,
/// compression's layer workers) starts them with ``start(_:)``, waits for its own threads before
/// it reports that it has ended, and a program calls ``waitUntilIdle()`` before it exits, as a
/// last guard for any thread a pool did not wait for.
public enum BLASWorkers {
    /// Stack size of every worker thread: LAPACK's recursive routines and Swift's frames need
    /// more than the 512 KiB a secondary thread gets by default.
    public static let stackSize = 8 << 20

    private static let condition = NSCondition()
    nonisolated(unsafe) private static var running = 0

    /// Starts `body` on a new worker thread, counted in ``inFlight`` until `body` returns.
    public static func start(_ body: @escaping @Sendable () -> Void) {
        condition.lock()
        running += 1
        condition.unlock()
        let thread = Thread {
            defer {
                condition.lock()
                running -= 1
                condition.broadcast()
                condition.unlock()
            }
            body()
        }
        thread.stackSize = stackSize
        thread.start()
    }

    /// Worker threads started by ``start(_:)`` whose body has not returned yet.
    public static var inFlight: Int {
        condition.lock()
        defer { condition.unlock() }
        return running
    }

    /// Blocks until ``inFlight`` is zero: every worker has returned from its BLAS call (a call
    /// cannot be interrupted, so this can take as long as the largest matrix in flight).
    public static func waitUntilIdle() {
        condition.lock()
        while running > 0 { condition.wait() }
        condition.unlock()
    }
}
