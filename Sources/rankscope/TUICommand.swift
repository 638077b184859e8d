import Foundation
import ArgumentParser
import Explorer
import Planning
import TerminalUI

/// `rankscope tui PATH [--plan FILE] [--stats FILE]`: the full-screen explorer.
///
/// The checkpoint (and the plan and activation statistics, when given) are opened and checked
/// before curses takes the terminal, so a bad path, plan or statistics file prints as one
/// sentence on a normal screen; the terminal is restored on every way out.
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

    @OptionGroup var themeOption: ThemeOption

    func run() throws {
        let catalog = try checkpoint.openCatalog()
        let document = try plan.map(PlanDocument.load(path:))
        if let document { try TUICommand.check(document, against: catalog) }
        let statistics = try statisticsOption.open()
        try statistics?.requireStatistics(for: catalog.compressibleEntries, of: catalog.checkpoint)
        let theme = try themeOption.resolve()
        try BLASLoading.require()
        let backend = try CursesBackend()
        defer { backend.restore() }
        let app = ExplorerApp(catalog: catalog, backend: backend,
                              cache: SpectrumCache(directory: SpectrumCache.defaultDirectory()), plan: document, theme: theme,
                              runner: CompressionRunner(command: [TUICommand.executablePath, "compress"]), statistics: statistics)
        app.run()
    }

    /// This program's own executable, for the explorer's background `compress` child process.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
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
