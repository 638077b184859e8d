import ArgumentParser
import DemoModel
import Foundation
import Planning

/// `rankscope demo`: writes the built-in demo checkpoint and opens it.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Write the built-in demo checkpoint (Llama names, 8 blocks, designed spectra) and open it.",
        discussion: "The demo is written once to --out (default: $XDG_CACHE_HOME/rankscope/demo) and reused while it is intact."
    )

    @Option(help: "Folder to write the demo checkpoint into.")
    var out: String?

    @Flag(help: "Only write the checkpoint and print its path.")
    var writeOnly = false

    func run() throws {
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
        let spectra = try SpectraCommand.parse([directory])
        try spectra.run()
    }
}
