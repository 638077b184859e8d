import Foundation

/// A child process whose standard output is a JSON-lines protocol: runs it with standard input
/// and error on `/dev/null` (nothing touches the curses screen), reads its lines on a thread of
/// its own and queues them, then its exit status, for the UI thread to ``drain()``.
///
/// The one process-and-pipe mechanism under the explorer's background jobs
/// (``CompressionRunner``, ``EvaluationRunner``); each parses the lines into its own protocol.
final class ChildProcessLines: @unchecked Sendable {
    /// What the process reported.
    enum Message: Equatable, Sendable {
        /// One line of standard output (without the newline).
        case line(String)
        /// The process ended with this status.
        case exited(Int32)
    }

    private let lock = NSLock()
    private var messages: [Message] = []
    private var process: Process?

    /// Launches `arguments[0]` with the rest as its arguments; throws when it cannot be started.
    func start(_ arguments: [String]) throws {
        guard let executable = arguments.first else { throw CocoaError(.executableNotLoadable) }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: executable)
        child.arguments = Array(arguments.dropFirst())
        let output = Pipe()
        child.standardOutput = output
        child.standardError = FileHandle.nullDevice
        child.standardInput = FileHandle.nullDevice
        try child.run()
        lock.lock()
        process = child
        lock.unlock()
        let reader = Thread { [weak self] in
            var pending = Data()
            let handle = output.fileHandleForReading
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    let lineData = pending[pending.startIndex..<newline]
                    pending.removeSubrange(pending.startIndex...newline)
                    if let text = String(data: lineData, encoding: .utf8) { self?.push(.line(text)) }
                }
            }
            child.waitUntilExit()
            self?.push(.exited(child.terminationStatus))
        }
        reader.start()
    }

    /// Asks the process to stop (SIGTERM).
    func cancel() {
        lock.lock()
        let child = process
        lock.unlock()
        if let child, child.isRunning { child.terminate() }
    }

    /// True while the process runs.
    var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        return process?.isRunning ?? false
    }

    /// Takes every message queued so far.
    func drain() -> [Message] {
        lock.lock()
        defer { lock.unlock() }
        let taken = messages
        messages = []
        return taken
    }

    private func push(_ message: Message) {
        lock.lock()
        messages.append(message)
        lock.unlock()
    }
}
