import Foundation

/// Calls a closure on Ctrl-C (SIGINT) and SIGTERM instead of dying, so long work can stop
/// cleanly and keep what it finished; if workers are still inside BLAS half a second later, one
/// line says so (``Termination/noticeIfStoppingIsSlow()``). A second signal while the first is
/// being honoured exits at once with status 130 (for work stuck in a call that cannot be
/// cancelled), as most command-line tools do. ``restore()`` puts the default handling back.
///
/// Handlers nest: a phase with its own handler inside a command that has one (the spectra that
/// `eval --plan` computes) leaves the command's in place when it restores, and a signal received
/// before it was installed cancels it at once. Both are told of a signal.
///
/// A plain `signal(2)` handler sets a flag and a watcher thread turns it into the call. (Dispatch
/// signal sources were seen to miss Ctrl-C: on Linux libdispatch receives signals through a
/// `signalfd` and blocks them only in some threads, so a signal the kernel hands to another
/// thread — a worker's, OpenBLAS's — meets `SIG_IGN` and is lost. A `signal(2)` handler runs in
/// whichever thread receives the signal.)
final class InterruptHandler: @unchecked Sendable {
    /// Signals received since installation; written only by the handler, read by the watcher.
    nonisolated(unsafe) private static var raised: sig_atomic_t = 0
    /// The second signal's message, as C bytes made before any handler runs (the handler itself
    /// may only call async-signal-safe functions: no allocation).
    nonisolated(unsafe) private static let againMessage: UnsafeMutablePointer<CChar> =
        strdup("rankscope: interrupted again; stopping now without waiting for the work in progress.\n")
    /// Handlers installed and not yet restored (guarded by ``installation``): the default handling
    /// comes back when the last is restored.
    nonisolated(unsafe) private static var installed = 0
    private static let installation = NSLock()
    private let lock = NSLock()
    private var watching = true
    /// Left when the watcher thread ends, so ``restore()`` can wait for it.
    private let watcherDone = DispatchGroup()

    /// Installs the handler and starts watching; `action` runs once, on the watcher thread.
    init(_ action: @escaping @Sendable () -> Void) {
        InterruptHandler.installation.lock()
        if InterruptHandler.installed == 0 { InterruptHandler.raised = 0 }
        InterruptHandler.installed += 1
        InterruptHandler.installation.unlock()
        _ = InterruptHandler.againMessage
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { _ in
                if InterruptHandler.raised != 0 {
                    _ = write(STDERR_FILENO, InterruptHandler.againMessage, strlen(InterruptHandler.againMessage))
                    _exit(130)
                }
                InterruptHandler.raised = 1
            }
        }
        watcherDone.enter()
        let watcher = Thread { [self] in
            defer { watcherDone.leave() }
            while isWatching {
                if InterruptHandler.raised != 0 {
                    action()
                    Termination.noticeIfStoppingIsSlow()
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

    /// Stops watching, waits for the watcher thread to end (at most one poll, 20 ms: a later
    /// handler's installation then cannot race with it) and restores the default handling, unless
    /// an enclosing handler is still installed.
    func restore() {
        lock.lock()
        watching = false
        lock.unlock()
        watcherDone.wait()
        InterruptHandler.installation.lock()
        defer { InterruptHandler.installation.unlock() }
        InterruptHandler.installed -= 1
        guard InterruptHandler.installed == 0 else { return }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
