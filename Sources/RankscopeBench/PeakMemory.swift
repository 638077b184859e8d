import Foundation

/// Wall time and peak resident memory of a command, measured by
/// `scripts/bench-anchors/measure_command.py`: each run is a child forked from that small
/// interpreter and reaped with `wait4`, whose `ru_maxrss` then covers the command alone (a child
/// spawned straight from the bench would inherit the bench's own peak, which survives `execve`).
enum PeakMemory {
    /// What `runs` runs of a command took.
    struct Measurement {
        /// Wall time of each run, fork to exit.
        let timing: Timing
        /// The largest peak resident memory of any run, in bytes (`ru_maxrss`: mapped file
        /// pages included).
        let peakBytes: Int
        /// The largest anonymous resident memory seen (polled every 20 ms), in bytes: what the
        /// command allocated, without the file pages the kernel may drop at any time.
        let peakAnonymousBytes: Int
    }

    /// Runs `executable arguments…` `runs` times (after a warm-up when `runs > 1`), output
    /// discarded; throws when it exits with a non-zero status.
    static func measure(_ executable: String, _ arguments: [String], runs: Int = 1) throws -> Measurement {
        let output = try PythonAnchor.run("measure_command.py", [String(runs), executable] + arguments)
        guard let status = output["status"] as? Int, let peak = output["peak_bytes"] as? Int,
              let anonymous = output["peak_anonymous_bytes"] as? Int else {
            throw BenchError(description: "measure_command.py printed no status.")
        }
        guard status == 0 else {
            throw BenchError(description: "\(([executable] + arguments).joined(separator: " ")) exited with status \(status).")
        }
        return Measurement(timing: try PythonAnchor.timing(output), peakBytes: peak, peakAnonymousBytes: anonymous)
    }
}

