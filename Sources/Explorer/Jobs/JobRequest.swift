/// Work the state asks the app to do about the compression job (the state itself stays a
/// plain value: the app launches and signals processes).
public enum JobRequest: Equatable, Sendable {
    /// Compress the current plan into this folder.
    case start(outputFolder: String)
    /// Stop the running job.
    case cancel
}

extension JobRequest {
    /// The command a compression job runs, before the runner appends the checkpoint, plan and
    /// folder: `command` (executable and subcommand), then `--stats FILE` when the explorer has
    /// activation statistics (`statisticsPath`), so the child compresses with the same statistics.
    public static func compressCommand(_ command: [String], statisticsPath: String?) -> [String] {
        command + (statisticsPath.map { ["--stats", $0] } ?? [])
    }
}
