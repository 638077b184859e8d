import Foundation
import ArgumentParser
import Explorer
import Planning
import TerminalUI

/// `rankscope tui PATH [--plan FILE] [--stats FILE] [--text FILE [--seq-len N] [--max-tokens N]] [--sensitivity PROFILE]`: the
/// full-screen explorer.
///
/// The checkpoint (and the plan, activation statistics, evaluation text and sensitivity profile,
/// when given) are opened and checked before curses takes the terminal, so a bad path or file
/// prints as one sentence on a normal screen; the terminal is restored on every way out.
struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Browse a checkpoint's layers and spectra and tune ranks in a full-screen terminal UI.",
        discussion: "With --stats FILE, data-aware spectra of W·S are computed too and D switches between the kinds. Keys: "
            + KeyMap.main.map { "\($0.keyLabel) \($0.summary)" }.joined(separator: "; ") + "."
    )

    @OptionGroup var checkpoint: CheckpointArgument

    @Option(name: .long, help: "A plan file to start from (saved with w in the explorer).")
    var plan: String?

    @OptionGroup var statisticsOption: StatisticsOption

    @Option(help: ArgumentHelp("An evaluation text, as for `eval`: v measures the current plan's perplexity (encoders: embedding cosine) over it with rankscope eval, in the background.", valueName: "file"))
    var text: String?

    @OptionGroup var window: TextWindowOptions<EvalCommand>

    @Option(help: ArgumentHelp("A sensitivity profile (`rankscope sensitivity`): the top line and the budget panel show the plan's predicted perplexity or embedding cosine.", valueName: "profile"))
    var sensitivity: String?

    @OptionGroup var themeOption: ThemeOption

    func run() throws {
        let catalog = try checkpoint.openCatalog()
        let document = try plan.map(PlanDocument.load(path:))
        if let document { try TUICommand.check(document, against: catalog) }
        let statistics = try statisticsOption.open()
        try statistics?.requireStatistics(for: catalog.compressibleEntries, of: catalog.checkpoint)
        if let text { try ModelTextInput.checkEvaluable(catalog.checkpoint, text: text) }
        let profile = try sensitivity.map { path in
            try TUICommand.profile(path: path, catalog: catalog, checkpointPath: checkpoint.path, hasStatistics: statistics != nil)
        }
        let theme = try themeOption.resolve()
        try BLASLoading.require()
        let backend = try CursesBackend()
        defer { backend.restore() }
        let app = ExplorerApp(catalog: catalog, backend: backend,
                              cache: SpectrumCache(directory: SpectrumCache.defaultDirectory()), plan: document, theme: theme,
                              runner: CompressionRunner(command: [TUICommand.executablePath, "compress"]), statistics: statistics,
                              evaluator: text.map { EvaluationRunner(command: [TUICommand.executablePath, "eval"], textPath: $0,
                                                                   sequenceLength: window.seqLen, maximumTokens: window.maxTokens) },
                              sensitivity: profile)
        app.whenStopping = Termination.noticeIfStoppingIsSlow
        app.unsavedPlanDirectory = TUICommand.unsavedPlanDirectory()
        app.run()
        if let path = app.unsavedPlanPath {
            Termination.printError("rankscope: the plan's unsaved changes are in \(path); reopen them with: rankscope '\(checkpoint.path)' --plan '\(path)'")
        }
        if let problem = app.unsavedPlanProblem { Termination.printError("rankscope: " + problem) }
        if let signal = backend.terminationRequest { Termination.end(by: signal) }
    }

    /// Where a signal that ends the explorer leaves the plan's unsaved changes:
    /// `$XDG_STATE_HOME/rankscope/unsaved-plans` (default `~/.local/state/rankscope/unsaved-plans`).
    static func unsavedPlanDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let state = environment["XDG_STATE_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        return state + "/rankscope/unsaved-plans"
    }

    /// This program's own executable, for the explorer's background `compress` child process.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// The sensitivity profile at `path`, checked against the checkpoint; a profile measured
    /// data-aware needs `--stats` too, whose spectra its curves read.
    static func profile(path: String, catalog: LayerCatalog, checkpointPath: String, hasStatistics: Bool) throws -> SensitivityProfile {
        let profile = try SensitivityOption.profile(path: path, checkpointPath: checkpointPath, shapes: SensitivityOption.shapes(of: catalog))
        if profile.settings.truncation == .dataAware && !hasStatistics {
            throw PlanOptions.Failure("\(path) was measured with data-aware truncation (--stats): give --stats too, or the prediction reads the wrong tail energies")
        }
        return profile
    }

    /// Throws the plan's first problem with this checkpoint (unknown layer, rank above full rank, …)
    /// before the screen is taken; only energy rules, which need spectra, are left to the explorer.
    static func check(_ document: PlanDocument, against catalog: LayerCatalog) throws {
        let settings = document.rules.map(\.settings) + document.overrides.map(\.settings)
        let needsSpectra = settings.contains { if case .rank(.energy)? = $0.action { return true } else { return false } }
        guard !needsSpectra else { return }
        _ = try document.resolve(tensors: catalog.entries.map { PlannedTensor(entry: $0, spectrum: nil) })
    }
}
