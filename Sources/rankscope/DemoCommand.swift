import ArgumentParser
import DemoModel
import Foundation
import Planning

/// `rankscope demo`: writes the built-in demo checkpoint and opens it.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Write the built-in demo checkpoint (Llama names, 8 blocks, designed spectra) and open it in the explorer.",
        discussion: "The demo is written once to --out (default: $XDG_CACHE_HOME/rankscope/demo) and reused while it is intact. Without a terminal (output piped), the spectra table is printed instead of opening the explorer."
    )

    @Option(help: "Folder to write the demo checkpoint into.")
    var out: String?

    @Flag(help: "Only write the checkpoint and print its path.")
    var writeOnly = false

    @OptionGroup var themeOption: ThemeOption

    func run() throws {
        try BLASLoading.require()
        let directory = out ?? (SpectrumCache.defaultDirectory() + "/demo")
        let demo = DemoCheckpoint()
        if !demo.isWritten(at: directory) {
            Termination.printError("rankscope: writing the demo checkpoint to \(directory) …")
            try demo.write(to: directory)
        }
        if writeOnly {
            print(directory)
            return
        }
        // The explorer needs a terminal; piped or redirected, print the spectra table instead.
        if isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 {
            try TUICommand.parse([directory] + (themeOption.theme.map { ["--theme", $0] } ?? [])).run()
        } else {
            try SpectraCommand.parse([directory]).run()
        }
    }
}
