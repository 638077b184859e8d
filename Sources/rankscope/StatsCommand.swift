import ArgumentParser
import Evaluation
import Foundation
import GGUF
import ModelRuntime
import SafeTensors

/// `rankscope stats PATH --text FILE --out STATS`: runs the model over a calibration text and
/// writes every linear layer's input statistics (the file `--stats` reads), natively.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Collect activation statistics (input second moments of every linear layer) over a text.",
        discussion: """
        Tokenizes FILE with the checkpoint's tokenizer.json, runs the model over chunks of --seq-len \
        tokens (the last one shorter) of the first --max-tokens, and writes, per linear module, \
        X·Xᵀ/T in float64 (or only its diagonal with --diagonal-only) and T, in the layout \
        described in docs/data-aware.md, to a temporary name renamed when \
        complete. The same chunks through scripts/collect-stats.py give the same file.
        """
    )

    @OptionGroup var checkpoint: CheckpointArgument

    @Option(help: ArgumentHelp("The calibration text (UTF-8).", valueName: "file"))
    var text: String

    @Option(help: ArgumentHelp("The statistics file to write (.safetensors); keep it outside the checkpoint folder.", valueName: "stats"))
    var out: String

    @Option(help: "Tokens per forward pass.")
    var seqLen = 2048

    @Option(help: "Use at most this many tokens of the text.")
    var maxTokens = 65_536

    @Flag(help: "Keep only each input channel's mean square (n values per layer instead of n²).")
    var diagonalOnly = false

    func run() throws {
        try BLASLoading.require()
        let opened = try Checkpoint.opening(path: checkpoint.path)
        let model = try TransformerModel(checkpoint: opened)
        let encode = try ModelTextInput.tokenizer(for: opened)
        let ids = encode(try ModelTextInput.readText(text))
        let chunks = try TokenWindows.statisticsChunks(ids, length: seqLen, maximumTokens: maxTokens, file: text)
        let collector = StatisticsCollector(diagonalOnly: diagonalOnly)
        let progress = ProgressLine()
        let start = Date()
        var tokensDone = 0
        try collector.collect(model, chunks: chunks) { done, total in
            tokensDone = chunks.prefix(done).reduce(0) { $0 + $1.count }
            let rate = Double(tokensDone) / max(Date().timeIntervalSince(start), 1e-9)
            progress.update(completed: done, total: total, note: String(format: "%.0f tok/s", rate))
        }
        progress.finish()
        try collector.write(path: out)
        let layers = collector.statistics().count
        print("\(out): statistics of \(layers) linear layers over \(Formatting.grouped(tokensDone)) tokens"
              + " (\(chunks.count) chunks of up to \(seqLen)\(diagonalOnly ? ", diagonal only" : ""))")
    }
}
