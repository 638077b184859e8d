import Foundation

/// What every section is given: how many timed runs, whether to use the `--quick` sizes, and
/// where generated inputs are kept between runs.
struct BenchOptions {
    /// Timed runs of cheap operations (`--runs`).
    var runs = 25
    /// Smaller matrices and checkpoints, for a check that the bench works (`--quick`).
    var quick = false
    /// Every dimension of the `whole-model` shapes divided by this (`--scale N`, 1 by default).
    var scale = 1
    /// The models the `whole-model` section runs (`--shapes starcoder,llama`), nil for all.
    var shapes: Set<String>?
    /// The `whole-model` section also runs the single-precision Gram path (`--single-gram`).
    var singleGram = false
    /// The `whole-model` section also times the partial (randomized) spectrum of this many leading
    /// values on each matrix (`--partial K`), nil for none.
    var partialCount: Int?
    /// Folder of generated matrices and checkpoints, reused when already there
    /// (`RANKSCOPE_BENCH_DATA`, default `.build-bench/bench-data` under the working directory).
    var dataDirectory = ProcessInfo.processInfo.environment["RANKSCOPE_BENCH_DATA"] ?? ".build-bench/bench-data"

    /// Timed runs of operations taking seconds: at most 3.
    var heavyRuns: Int { min(runs, 3) }

    /// Timed runs of the Python anchors at full size, where one run takes tens of seconds on two
    /// cores: 1, or ``heavyRuns`` with `--quick`.
    var anchorRuns: Int { quick ? heavyRuns : 1 }

    /// The `rankscope` executable next to `rankscope-bench` (`scripts/bench` builds both), or nil.
    var rankscopeExecutable: String? {
        let path = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("rankscope").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// `dataDirectory/name`, creating `dataDirectory` when missing.
    func dataPath(_ name: String) throws -> String {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        return dataDirectory + "/" + name
    }
}
