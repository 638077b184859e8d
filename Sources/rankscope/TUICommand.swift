import ArgumentParser
import Explorer
import Planning
import TerminalUI

/// `rankscope tui PATH`: the full-screen explorer.
///
/// The checkpoint is opened before curses takes the terminal, so a bad path prints as one
/// sentence on a normal screen; the terminal is restored on every way out.
struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Browse a checkpoint's layers and spectra and tune ranks in a full-screen terminal UI.",
        discussion: "Keys: " + KeyMap.main.map { "\($0.keyLabel) \($0.summary)" }.joined(separator: "; ") + "."
    )

    @OptionGroup var checkpoint: CheckpointArgument

    func run() throws {
        let catalog = try checkpoint.openCatalog()
        let backend = try CursesBackend()
        defer { backend.restore() }
        let app = ExplorerApp(catalog: catalog, backend: backend,
                              cache: SpectrumCache(directory: SpectrumCache.defaultDirectory()))
        app.run()
    }
}
