import Foundation

/// The workers' shared results and first failure.
final class JobWorkerState<Result>: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var results: [Int: Result] = [:]
    private(set) var failure: Error?
    private var completed: Int

    init(completed: Int) { self.completed = completed }

    /// Stores a result; returns the number of layers done so far.
    func record(_ result: Result, ordinal: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        results[ordinal] = result
        completed += 1
        return completed
    }

    /// Keeps the first failure.
    func fail(_ error: Error) {
        lock.lock()
        if failure == nil { failure = error }
        lock.unlock()
    }
}
