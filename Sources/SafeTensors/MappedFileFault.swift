#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a bus error on a memory-mapped input (the file truncated while it is read, its device
/// removed) into one sentence naming the file and exit status 1, instead of a crash report —
/// with the terminal restored first when the explorer owns it (``beforeExit``).
///
/// Why: tensors are read through `mmap`; when the file shrinks under the mapping, touching the
/// lost pages raises SIGBUS, which killed `compress`, `spectra` and the explorer (leaving the
/// terminal raw). A handler cannot unwind Swift code, so it reports and exits.
///
/// Async-signal safety: every mapped file is registered (``register(path:size:)``) in plain C
/// memory prepared outside the handler; the handler only calls `stat`, `write`, the
/// ``beforeExit`` hook (which must itself be async-signal-safe) and `_exit`. It names the first
/// registered file that is now shorter than when it was mapped.
public enum MappedFileFault {
    private static let capacity = 1024
    nonisolated(unsafe) private static let paths = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
    nonisolated(unsafe) private static let sizes = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
    nonisolated(unsafe) private static var count = 0
    nonisolated(unsafe) private static var installed = false
    private static let lock = NSLockLike()

    /// Called by the handler before it writes the message, e.g. to restore the terminal; must
    /// be async-signal-safe. Set once at start (the explorer sets its terminal restore).
    nonisolated(unsafe) public static var beforeExit: (@convention(c) () -> Void)?

    /// Records a file about to be mapped with `size` bytes and installs the handler (once).
    public static func register(path: String, size: Int) {
        lock.withLock {
            if !installed {
                installed = true
                var action = sigaction()
                #if canImport(Glibc)
                action.__sigaction_handler.sa_handler = mappedFileFaultHandler
                #else
                action.__sigaction_u.__sa_handler = mappedFileFaultHandler
                #endif
                sigemptyset(&action.sa_mask)
                action.sa_flags = 0
                sigaction(SIGBUS, &action, nil)
            }
            guard count < capacity else { return }
            paths[count] = strdup(path)
            sizes[count] = size
            count += 1
        }
    }

    /// The handler's work (see the type's documentation).
    fileprivate static func report() -> Never {
        beforeExit?()
        var culprit: UnsafeMutablePointer<CChar>?
        for index in 0..<count {
            var info = stat()
            if let path = paths[index], stat(path, &info) == 0, Int(info.st_size) < sizes[index] { culprit = paths[index]; break }
        }
        writeError("rankscope: ")
        if let culprit {
            _ = write(STDERR_FILENO, culprit, strlen(culprit))
            writeError(": the file shrank while rankscope read it (a bus error on its mapped bytes); the command stopped.\n")
        } else {
            writeError("a memory-mapped input could not be read (a bus error: truncated file or removed device); the command stopped.\n")
        }
        _exit(1)
    }

    private static func writeError(_ text: StaticString) {
        _ = write(STDERR_FILENO, text.utf8Start, text.utf8CodeUnitCount)
    }
}

/// A tiny mutex for registration (never used by the handler).
private final class NSLockLike: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    func withLock<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}

private func mappedFileFaultHandler(_ signal: Int32) {
    MappedFileFault.report()
}
