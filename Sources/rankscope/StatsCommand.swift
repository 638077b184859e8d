import ArgumentParser
import Evaluation
import Foundation
import GGUF
import ModelRuntime
import SafeTensors

/// `rankscope stats PATH --text FILE --out STATS`: runs the model over a calibration text and
/// writes every linear layer's input statistics (the file `--stats` reads), natively.
struct StatsCommand: ParsableCommand, ModelTextCommand {
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

    static let textDefaults = ModelTextDefaults(
        textHelp: "The calibration text (UTF-8).",
        sequenceLength: 2048, sequenceLengthHelp: "Tokens per forward pass.",
        maximumTokens: 65_536, maximumTokensHelp: "Use at most this many tokens of the text (default 65536).")

    @OptionGroup var input: ModelTextOptions<StatsCommand>

    @Option(help: ArgumentHelp("The statistics file to write (.safetensors); keep it outside the checkpoint folder.", valueName: "stats"))
    var out: String

    @Flag(help: "Keep only each input channel's mean square (n values per layer instead of n²).")
    var diagonalOnly = false

    func run() throws {
        try BLASLoading.require()
        let opened = try input.open()
        let model = opened.model
        let ids = opened.encode(opened.contents)
        let seqLen = input.seqLen
        let chunks = try TokenWindows.statisticsChunks(ids, length: seqLen, maximumTokens: input.tokenLimit!, file: input.text)
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
