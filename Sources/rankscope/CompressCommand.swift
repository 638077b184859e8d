import ArgumentParser
import Compression
import Foundation
import Planning
import SafeTensors

/// `rankscope compress PATH --plan FILE --out DIR`: runs a plan and writes the compressed
/// checkpoint folder (shards, index, extended config.json, side files, rankscope-report.json).
struct CompressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compress",
        abstract: "Compress a checkpoint as a plan says and write a loadable checkpoint folder.",
        discussion: """
        Every matrix the plan factorizes becomes P.0.weight [k,n] and P.1.weight [m,k] (its bias \
        P.1.bias), as nn.Sequential(nn.Linear(n,k,bias=False), nn.Linear(k,m)) names them; every \
        other tensor is copied byte for byte. An existing DIR is refused unless --force (replace it) \
        or --resume (finish the interrupted job there, reusing its finished layers; a missing DIR \
        starts afresh). Ctrl-C stops cleanly (exit 130) and keeps the finished layers for --resume. \
        --json prints rankscope-report.json on standard output instead of the table; --events \
        prints the JSON-lines progress protocol there (both in docs/compression.md). \
        --stats FILE compresses low-rank layers data-aware (minimising the output error on the \
        statistics' inputs) and reports each layer's output error beside its weight error.
        """
    )

    @OptionGroup var options: CompressOptions

    @Option(help: "Compress only the layers at positions I, I+N, I+2N, … (0 ≤ I < N) into --out and stop there, computing only their spectra (every one when the plan has a target); `rankscope merge` assembles the parts (for job arrays: docs/compression.md, \"Compressing on many machines\").")
    var shard: String?

    func validate() throws {
        if let shard, JobShard(shard) == nil {
            throw ValidationError("--shard must be I/N with 0 ≤ I < N, e.g. 0/8, not '\(shard)'.")
        }
    }

    func run() throws {
        try BLASLoading.require()
        try options.run(shard: shard.flatMap(JobShard.init))
    }
}
