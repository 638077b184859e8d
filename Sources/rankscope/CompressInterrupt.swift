import Foundation

/// Ctrl-C and SIGTERM for `compress`: a plain signal handler sets a flag, and a watcher thread
/// turns it into a call of the given closure.
///
/// ``InterruptHandler``'s dispatch signal sources were seen to miss Ctrl-C here, after the
/// spectrum run had installed and restored its own: on Linux, libdispatch receives signals through
/// a `signalfd` and blocks them only in some threads, so a signal the kernel hands to another
/// thread (the job's workers, OpenBLAS's) meets `SIG_IGN` and is lost. A handler installed with
/// `signal(2)` runs in whichever thread receives the signal.
final class CompressInterrupt: @unchecked Sendable {
    /// Set by the signal handler; only ever read and written as a whole word.
    nonisolated(unsafe) private static var raised: sig_atomic_t = 0
    private let lock = NSLock()
    private var watching = true

    /// Installs the handler and starts watching; `action` runs once, on the watcher thread.
    init(_ action: @escaping @Sendable () -> Void) {
        CompressInterrupt.raised = 0
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { _ in CompressInterrupt.raised = 1 }
        }
        let watcher = Thread { [self] in
            while isWatching {
                if CompressInterrupt.raised != 0 {
                    action()
                    return
                }
                usleep(20_000)
            }
        }
        watcher.start()
    }

    private var isWatching: Bool {
        lock.lock()
        defer { lock.unlock() }
        return watching
    }

    /// Stops watching and restores the default handling.
    func restore() {
        lock.lock()
        watching = false
        lock.unlock()
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
