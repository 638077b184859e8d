import Foundation

/// Delivers events one at a time.
final class JobEventSink: @unchecked Sendable {
    private let lock = NSLock()
    private let handler: @Sendable (JobEvent) -> Void
    init(_ handler: @escaping @Sendable (JobEvent) -> Void) { self.handler = handler }
    func send(_ event: JobEvent) {
        lock.lock()
        defer { lock.unlock() }
        handler(event)
    }
}
