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
    private let child = ChildProcessLines()

    /// A runner calling `command` (executable first).
    public init(command: [String]) {
        self.command = command
    }

    /// Launches the job; throws when the executable cannot be started.
    public func start(checkpoint: String, planPath: String, outputFolder: String) throws {
        // `--out=FOLDER` and `-- CHECKPOINT`: a folder or checkpoint named like an option (`-x`)
        // stays a value instead of being parsed as one.
        try child.start(command + ["--plan=" + planPath, "--out=" + outputFolder, "--resume", "--events", "--", checkpoint])
    }

    /// Asks the job to stop (SIGTERM): layers in flight finish and are journaled, then it exits.
    public func cancel() { child.cancel() }

    /// True while the child process runs.
    public var isRunning: Bool { child.isRunning }

    /// Takes every message queued so far (lines that are not protocol lines are skipped).
    public func drain() -> [Message] {
        child.drain().compactMap { message in
            switch message {
            case .line(let text): return JobLine(text).map(Message.line)
            case .exited(let status): return .exited(status)
            }
        }
    }
}
