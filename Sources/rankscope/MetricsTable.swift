import Foundation
import Planning

/// The `rankscope spectra --metrics` table: WeightWatcher's main per-layer metrics under its
/// column names, the warning flag and the planning caution, and a legend stating the rules.
enum MetricsTable {
    /// The table's lines, then the legend; `statisticsPath` says the spectra are data-aware.
    static func render(_ results: [SpectraCommand.Result], statisticsPath: String? = nil) -> [String] {
        var table = TextTable([
            ("name", .left), ("shape", .right), ("alpha", .right), ("xmin", .right), ("D", .right),
            ("num_pl_spikes", .right), ("alpha_weighted", .right), ("log_norm", .right), ("log_spectral_norm", .right),
            ("stable_rank", .right), ("mp_softrank", .right), ("num_spikes", .right), ("entropy", .right),
            ("matrix_rank", .right), ("flag", .left), ("caution", .left),
        ])
        for result in results {
            let m = result.spectrum.metrics
            table.append([
                result.entry.info.name, Formatting.shape(result.entry.info.shape), fixed(m.alpha), Formatting.significant(m.powerLaw?.xmin ?? -1),
                fixed(m.ksDistance), String(m.powerLawTailCount), fixed(m.alphaWeighted), fixed(m.logNorm),
                fixed(m.logSpectralNorm), Formatting.significant(m.stableRank), fixed(m.mpSoftRank), String(m.spikeCount),
                fixed(m.entropy), String(m.matrixRank), m.warning.rawValue, SpectralCaution(metrics: m).rawValue,
            ])
        }
        let kind = statisticsPath.map { "Data-aware spectra of W·S (statistics \($0)): λ = σ² of W·S." }
            ?? "Eigenvalues λ = σ² of the weights W, not normalised (WeightWatcher's default)."
        return table.render() + [
            "",
            kind,
            "alpha: power-law exponent of the λ tail from xmin (maximum likelihood, xmin minimising the KS distance D); "
                + "num_spikes: λ above the Marchenko–Pastur bulk edge fitted to the aspect ratio; -1: fit failed.",
            "flag: under-trained alpha > 6, over-trained alpha < 2, poor-fit D > 1.358/√num_pl_spikes. "
                + "caution: poor-fit (fit failed or poor), heavy-tail (alpha < 2), "
                + "mostly-noise (num_spikes ≤ 1% of the eigenvalues); the marks do not predict sensitivity (docs/spectra.md).",
        ]
    }

    private static func fixed(_ value: Double) -> String {
        String(format: "%.3f", value)
    }
}
