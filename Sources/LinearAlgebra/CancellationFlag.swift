import Foundation

/// A thread-safe "stop" flag shared by long work and whoever may stop it: set once by
/// ``cancel()``, polled with ``isCancelled`` (for instance as the `isCancelled` closure of
/// ``SingularValues/compute(_:panelWidth:isCancelled:progress:)``).
public final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    /// A flag not yet set.
    public init() {}

    /// Sets the flag; safe from any thread.
    public func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }

    /// True once ``cancel()`` was called.
    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }
}
