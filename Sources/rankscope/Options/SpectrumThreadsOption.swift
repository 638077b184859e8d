import ArgumentParser

/// `--spectrum-threads N`: how many worker threads compute spectra (`spectra`, `plan`). It was
/// spelled `--jobs` before, which `compress`, `merge` and `eval` use for layers compressed in
/// parallel (``ParallelLayersOption``); the old spelling is still accepted so scripts keep working.
struct SpectrumThreadsOption: ParsableArguments {
    @Option(name: [.customLong("spectrum-threads"), .customLong("jobs")],
            help: ArgumentHelp("Threads computing spectra (default: one per core; with --stats, fewer when memory is short). --jobs is its old name, still accepted.", valueName: "n"))
    var count: Int?

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--spectrum-threads (--jobs) must be at least 1.") }
    }
}
