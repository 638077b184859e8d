extension CompressionRunner {
    /// The command a compression job runs, before the runner appends the checkpoint, plan and
    /// folder: `command` (executable and subcommand), then `--stats=FILE` when the explorer has
    /// activation statistics (`statisticsPath`), so the child compresses with the same statistics
    /// (one word, so a statistics path starting with `-` stays a value).
    public static func compressCommand(_ command: [String], statisticsPath: String?) -> [String] {
        command + (statisticsPath.map { ["--stats=" + $0] } ?? [])
    }
}
