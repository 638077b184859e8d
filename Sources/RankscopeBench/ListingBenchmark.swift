import CheckpointFixtures
import Foundation
import SafeTensors

/// The `listing` section: every tensor's name and shape of a header-only StarCoder-15.5B
/// checkpoint (a ~31 GB sparse file, `StarCoderHeader`) against the Python `safetensors`
/// package (`safe_open(...).keys()` and `get_slice(k).get_shape()`,
/// `scripts/bench-anchors/listing.py`), two ways:
/// - in-process: `Checkpoint(path:)` against the package's calls, each timed inside its process;
/// - as commands a user runs: `rankscope inspect FILE` against `python listing.py --print FILE`
///   (interpreter start and imports included), each a fresh process.
/// Both sides must report the same tensor and parameter counts. Then a size question as a
/// command: `rankscope plan FILE --plan EXCLUDE-ALL --sparse-params 12.3B` (every matrix
/// excluded, sparse formats at 12.3B parameters), answered from the header alone, against issue
/// 17's target of under a second. The 10× target is the
/// command's: what a user runs instead of `rankscope inspect` is a Python script. The in-process
/// ratio is printed for context; it compares two header parsers (the package's is Rust) after
/// start-up, where 10× would mean ~55 µs for a 60 KB header — about what opening the file and
/// reading the header cost alone — so it has no target of its own.
enum ListingBenchmark {
    static let requiredSpeedup = 10.0
    /// Issue 17: a header-only size question answers in under a second.
    static let maxSizeQuestionSeconds = 1.0

    static func run(_ options: BenchOptions) throws -> [String] {
        let path = try options.dataPath("starcoder-15.5b-header-only.safetensors")
        let expected = StarCoderHeader.tensors()
        if (try? SafeTensorsFile(path: path))?.tensors.count != expected.count {
            _ = try StarCoderHeader.write(to: path)
        }
        var listed: [(String, [Int])] = []
        let ours = try Timing(runs: options.runs) {
            listed = try Checkpoint(path: path).tensors.map { ($0.info.name, $0.info.shape) }
        }
        let output = try PythonAnchor.run("listing.py", [path, String(options.runs)])
        let anchor = try PythonAnchor.timing(output)
        let parameters = listed.reduce(0) { $0 + $1.1.reduce(1, *) }
        let agree = output["tensors"] as? Int == listed.count && output["parameters"] as? Int == parameters
        let speedup = anchor.median / ours.median
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        var lines = [
            "listing: names and shapes of a header-only StarCoder-15.5B checkpoint (\(String(format: "%.1f", Double(size) / 1e9)) GB sparse file)",
            BenchReport.row("in-process: rankscope Checkpoint(path:)", "\(ours.summary)  → \(listed.count) tensors, \(parameters) parameters"),
            BenchReport.row("in-process: python safe_open + get_slice", "\(anchor.summary)  → \(output["tensors"] ?? "?") tensors, \(output["parameters"] ?? "?") parameters; rankscope \(BenchReport.ratio(speedup)) faster"),
            BenchReport.verdict(agree, "in-process: same tensors as the Python package (the ratio is context; the target is the command's)"),
        ]
        lines += try commands(path: path, options: options)
        return lines
    }

    /// The command-level comparison: fresh processes, wall clock from spawn to exit.
    private static func commands(path: String, options: BenchOptions) throws -> [String] {
        guard let rankscope = options.rankscopeExecutable else {
            return ["  commands: skipped, no rankscope executable next to rankscope-bench (scripts/bench builds it)"]
        }
        let ours = try Timing(runs: options.runs) { try run(rankscope, ["inspect", path]) }
        let anchor = try Timing(runs: options.runs) { try run(PythonAnchor.python, ["scripts/bench-anchors/listing.py", "--print", path]) }
        let speedup = anchor.median / ours.median
        let excludeAll = try options.dataPath("exclude-all.plan.json")
        try #"{"format": "rankscope-plan", "version": 1, "rules": [{"match": ".", "exclude": true}]}"#
            .write(toFile: excludeAll, atomically: true, encoding: .utf8)
        let sizeQuestion = try Timing(runs: options.runs) {
            try run(rankscope, ["plan", path, "--plan", excludeAll, "--sparse-params", "12.3B", "--no-cache"])
        }
        return [
            BenchReport.row("command: rankscope inspect FILE", ours.summary),
            BenchReport.row("command: python listing.py --print FILE", "\(anchor.summary)  → rankscope \(BenchReport.ratio(speedup)) faster"),
            BenchReport.verdict(speedup >= requiredSpeedup, "command: ≥ \(Int(requiredSpeedup))× the Python script, start to exit"),
            BenchReport.row("command: rankscope plan FILE (all excluded) --sparse-params 12.3B", "\(sizeQuestion.summary)  wall time, start to exit"),
            BenchReport.verdict(sizeQuestion.median < maxSizeQuestionSeconds,
                                "command: a size question on StarCoder-15.5B answers from the header in under \(Int(maxSizeQuestionSeconds)) s"),
        ]
    }

    /// Runs a command to completion, its output discarded: `posix_spawn`, then a blocking
    /// `waitpid`, so the time is the command's own. (`PeakMemory.measure` polls for the exit every
    /// 20 ms to sample memory, which rounds a 9 ms command up to 20 ms.) `environment` is added
    /// to (or replaces entries of) this process's environment.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw BenchError(description: "could not start \(executable): \(String(cString: strerror(spawned))).")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else {
            throw BenchError(description: "\(([executable] + arguments).joined(separator: " ")) exited with status \(status).")
        }
    }
}
