import ArgumentParser

/// `--no-cache`: run without the caches under `$XDG_CACHE_HOME/rankscope` (spectra, and the
/// sensitivity profiles of `rankscope sensitivity`), neither reading nor writing them.
struct CacheOption: ParsableArguments {
    @Flag(name: .customLong("no-cache"), help: "Neither read nor write the caches under $XDG_CACHE_HOME/rankscope (spectra; sensitivity profiles).")
    var isOff = false

    /// Whether the caches are read and written.
    var useCache: Bool { !isOff }
}
