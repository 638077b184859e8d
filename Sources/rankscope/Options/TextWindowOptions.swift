import ArgumentParser

/// `--seq-len N` and `--max-tokens N`: the windows of the text a command runs the model over, with
/// `Command`'s defaults and help. Shared by the commands that run the model (``ModelTextOptions``)
/// and by `tui`, which passes them to the `v` key's `rankscope eval`.
struct TextWindowOptions<Command: ModelTextCommand>: ParsableArguments {
    @Option(help: ArgumentHelp(Command.textDefaults.sequenceLengthHelp))
    var seqLen: Int = Command.textDefaults.sequenceLength

    @Option(help: ArgumentHelp(Command.textDefaults.maximumTokensHelp))
    var maxTokens: Int?
}
