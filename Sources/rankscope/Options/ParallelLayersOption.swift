import ArgumentParser

/// `--parallel-layers N`: how many layers are compressed at once (`compress`, `merge`, and
/// `eval --plan`, which compresses in memory), each on its own worker with single-threaded BLAS.
/// It was spelled `--jobs` before, which `spectra` and `plan` use for spectrum threads
/// (``SpectrumThreadsOption``); the old spelling is still accepted so scripts keep working.
struct ParallelLayersOption: ParsableArguments {
    @Option(name: [.customLong("parallel-layers"), .customLong("jobs")],
            help: ArgumentHelp("Layers compressed at once (compress and merge: within --memory-limit). --jobs is its old name, still accepted.", valueName: "n"))
    var count = 1

    func validate() throws {
        if count < 1 { throw ValidationError("--parallel-layers (--jobs) must be at least 1.") }
    }
}
