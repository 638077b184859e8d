import Foundation
import SafeTensors

/// The `compress-memory` section: peak resident memory of `rankscope compress` (the release
/// build next to `rankscope-bench`; `scripts/bench` builds both) on two generated Llama-shaped
/// checkpoints of the same layer shapes, ~1 GB and ~2 GB (hidden 2048, 10 and 20 blocks; ~0.05
/// and ~0.1 GB with `--quick`), with a plan keeping a quarter of every projection's rank, one
/// layer at a time (`--jobs 1`), no spectrum cache. Measured by ``PeakMemory`` (`wait4`'s
/// `ru_maxrss`), so it includes everything the process touched, mapped checkpoint pages too.
///
/// Also reported: the peak of anonymous resident memory (`RssAnon`, polled), which leaves out the
/// checkpoint pages the process mapped; `ru_maxrss` counts those while they stay mapped.
///
/// Target: under 1 GB for the 2 GB checkpoint, and not growing with the checkpoint: the larger
/// one may peak at most 10% (and 64 MB) above the smaller.
enum CompressMemoryBenchmark {
    static let limitBytes = 1_000_000_000
    static let plan = #"{"format": "rankscope-plan", "version": 1, "rules": [{"match": "proj", "rank": {"fraction": 0.25}}]}"#

    static func run(_ options: BenchOptions) throws -> [String] {
        guard let rankscope = options.rankscopeExecutable else {
            return ["compress-memory: skipped, no rankscope executable next to rankscope-bench (scripts/bench builds it)"]
        }
        let planPath = try options.dataPath("compress-quarter-rank.plan.json")
        try Data(plan.utf8).write(to: URL(fileURLWithPath: planPath))
        let hidden = options.quick ? 512 : 2048
        var lines = ["compress-memory: peak resident memory of `rankscope compress --jobs 1` (plan: rank ¼ of every projection)"]
        var peaks: [Int] = []
        var anonymousPeaks: [Int] = []
        for blocks in options.quick ? [5, 10] : [10, 20] {
            let model = GaussianCheckpoint.llama(hidden: hidden, blocks: blocks)
            let folder = try GaussianCheckpoint.folder("llama-\(hidden)x\(blocks)", model: model, options: options)
            let size = try Checkpoint(path: folder).totalBytes
            let output = try options.dataPath("compressed-\(hidden)x\(blocks)")
            let result = try PeakMemory.measure(rankscope, ["compress", folder, "--plan", planPath, "--out", output, "--force", "--jobs", "1", "--no-cache"])
            try? FileManager.default.removeItem(atPath: output)
            peaks.append(result.peakBytes)
            anonymousPeaks.append(result.peakAnonymousBytes)
            lines.append(BenchReport.row(String(format: "checkpoint %.2f GB (%d blocks)", Double(size) / 1e9, blocks),
                                         String(format: "peak %.0f MB resident (%.0f MB anonymous) in %@", Double(result.peakBytes) / 1e6,
                                                Double(result.peakAnonymousBytes) / 1e6, Timing.format(result.timing.median))))
        }
        let growth = peaks[1] - peaks[0]
        let flat = growth <= max(64_000_000, peaks[0] / 10)
        lines.append(BenchReport.verdict(peaks[1] < limitBytes && flat,
                                         String(format: "peak < 1 GB on the larger checkpoint and not growing (%+.0f MB)", Double(growth) / 1e6)))
        let anonymousGrowth = anonymousPeaks[1] - anonymousPeaks[0]
        let anonymousFlat = anonymousGrowth <= max(64_000_000, anonymousPeaks[0] / 10)
        lines.append(BenchReport.verdict(anonymousPeaks[1] < limitBytes && anonymousFlat,
                                         String(format: "(informative) anonymous memory < 1 GB and not growing (%+.0f MB)", Double(anonymousGrowth) / 1e6)))
        return lines
    }
}
