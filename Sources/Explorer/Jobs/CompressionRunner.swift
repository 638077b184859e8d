import Foundation

/// The explorer's one coupling to the compression job: runs `rankscope compress CHECKPOINT
/// --plan FILE --out DIR --resume --events` as a child process (as the Compression module's
/// `CompressionJob` recommends: BLAS threads and memory stay in the child, a crash stays there,
/// and a cancelled job leaves a resumable journal) and queues its protocol lines for the UI thread.
///
/// `command` is how to call rankscope, such as `["/usr/local/bin/rankscope", "compress"]`.
/// Standard input and error go to `/dev/null` so nothing touches the curses screen; failures
/// arrive as `failed` protocol lines or, failing that, as the exit status.
public final class CompressionRunner: @unchecked Sendable {
    /// What the runner queues.
    public enum Message: Equatable, Sendable {
        /// One protocol line.
        case line(JobLine)
        /// The process ended with this status.
        case exited(Int32)
    }

    /// The command prefix (executable and subcommand).
    public let command: [String]
    private let lock = NSLock()
    private var messages: [Message] = []
    private var process: Process?

    /// A runner calling `command` (executable first).
    public init(command: [String]) {
        self.command = command
    }

    /// Launches the job; throws when the executable cannot be started.
    public func start(checkpoint: String, planPath: String, outputFolder: String) throws {
        guard let executable = command.first else { throw CocoaError(.executableNotLoadable) }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: executable)
        // `--out=FOLDER` and `-- CHECKPOINT`: a folder or checkpoint named like an option (`-x`)
        // stays a value instead of being parsed as one.
        child.arguments = Array(command.dropFirst()) + ["--plan=" + planPath, "--out=" + outputFolder, "--resume", "--events", "--", checkpoint]
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
                    if let text = String(data: lineData, encoding: .utf8), let line = JobLine(text) { self?.push(.line(line)) }
                }
            }
            child.waitUntilExit()
            self?.push(.exited(child.terminationStatus))
        }
        reader.start()
    }

    /// Asks the job to stop (SIGTERM): layers in flight finish and are journaled, then it exits.
    public func cancel() {
        lock.lock()
        let child = process
        lock.unlock()
        if let child, child.isRunning { child.terminate() }
    }

    /// True while the child process runs.
    public var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        return process?.isRunning ?? false
    }

    /// Takes every message queued so far.
    public func drain() -> [Message] {
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
