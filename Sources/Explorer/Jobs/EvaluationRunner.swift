import Foundation

/// The explorer's coupling to `rankscope eval`: runs `rankscope eval CHECKPOINT --text FILE
/// --plan PLAN --events [--stats FILE] [--seq-len N] [--max-tokens N]` as a child process (the model, its BLAS threads and its
/// memory stay in the child) and queues its protocol lines (``EvaluationLine``) for the UI thread.
public final class EvaluationRunner: @unchecked Sendable {
    /// What the runner queues.
    public enum Message: Equatable, Sendable {
        /// One protocol line.
        case line(EvaluationLine)
        /// The process ended with this status.
        case exited(Int32)
    }

    /// The command prefix (executable and subcommand, such as `["/usr/bin/rankscope", "eval"]`).
    public let command: [String]
    /// The evaluation text.
    public let textPath: String
    /// Activation statistics the plan is compressed with (data-aware, as the compression job does), or nil.
    public let statisticsPath: String?
    /// `--seq-len` and `--max-tokens` for eval (nil: eval's defaults).
    public let sequenceLength: Int?, maximumTokens: Int?
    private let child = ChildProcessLines()

    /// A runner calling `command` over the text at `textPath`, compressing data-aware with
    /// `statisticsPath` when given, in windows of `sequenceLength` over at most `maximumTokens` tokens when given.
    public init(command: [String], textPath: String, statisticsPath: String? = nil, sequenceLength: Int? = nil, maximumTokens: Int? = nil) {
        self.command = command
        self.textPath = textPath
        self.statisticsPath = statisticsPath
        self.sequenceLength = sequenceLength
        self.maximumTokens = maximumTokens
    }

    /// The same runner compressing data-aware with `statisticsPath`.
    public func with(statisticsPath: String?) -> EvaluationRunner {
        EvaluationRunner(command: command, textPath: textPath, statisticsPath: statisticsPath,
                         sequenceLength: sequenceLength, maximumTokens: maximumTokens)
    }

    /// The arguments after `command` for `checkpoint` and the plan file at `planPath`: every value
    /// as `--option=VALUE` and the checkpoint after `--`, so paths named like options stay values.
    public func arguments(checkpoint: String, planPath: String) -> [String] {
        ["--text=" + textPath, "--plan=" + planPath] + (statisticsPath.map { ["--stats=" + $0] } ?? [])
            + (sequenceLength.map { ["--seq-len=\($0)"] } ?? []) + (maximumTokens.map { ["--max-tokens=\($0)"] } ?? [])
            + ["--events", "--", checkpoint]
    }

    /// Launches the evaluation; throws when the executable cannot be started.
    public func start(checkpoint: String, planPath: String) throws {
        try child.start(command + arguments(checkpoint: checkpoint, planPath: planPath))
    }

    /// Stops the evaluation (SIGTERM; nothing is written, so nothing is left behind).
    public func cancel() { child.cancel() }

    /// True while the child process runs.
    public var isRunning: Bool { child.isRunning }

    /// Takes every message queued so far (lines that are not protocol lines are skipped).
    public func drain() -> [Message] {
        child.drain().compactMap { message in
            switch message {
            case .line(let text): return EvaluationLine(text).map(Message.line)
            case .exited(let status): return .exited(status)
            }
        }
    }
}
