import ArgumentParser

/// The `rankscope` command and its subcommands.
struct RankscopeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rankscope",
        abstract: "Explore singular-value spectra of LLM checkpoints and plan low-rank compression.",
        discussion: """
        `rankscope PATH` opens the explorer (the same as `rankscope tui PATH`). PATH is a .safetensors file, a folder holding one, or a sharded Hugging Face folder with \
        model.safetensors.index.json. Exit status: 0 success, 1 a problem with the input, 2 a \
        malformed command line.
        """,
        version: "0.1.0",
        subcommands: [TUICommand.self, InspectCommand.self, SpectraCommand.self, PlanCommand.self, CompressCommand.self, MergeCommand.self, StatsCommand.self, EvalCommand.self, SensitivityCommand.self, DemoCommand.self],
        defaultSubcommand: TUICommand.self
    )
}
