import ArgumentParser
import Planning

/// `--stats FILE`: an activation-statistics file (written by `rankscope stats`, layout in
/// docs/data-aware.md) that makes a command work on data-aware spectra, of `W·S`, so that its
/// errors are relative output errors ‖(W − Ŵ)·X‖/‖W·X‖ on the statistics' inputs. What that means
/// for each command is said in the command's own discussion.
struct StatisticsOption: ParsableArguments {
    @Option(name: .customLong("stats"), help: ArgumentHelp("Activation statistics (`rankscope stats`): work on data-aware spectra of W·S, so errors are relative output errors ‖(W − Ŵ)·X‖/‖W·X‖.", valueName: "file"))
    var path: String?

    /// Whether a statistics file was given.
    var isGiven: Bool { path != nil }

    /// The statistics file, opened and checked, or nil without `--stats`.
    /// - Throws: ``Planning/ActivationStatisticsError`` naming the file and the problem.
    func open() throws -> ActivationStatistics? {
        try path.map(ActivationStatistics.init(path:))
    }
}
