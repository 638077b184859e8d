import Foundation
import Planning

/// The `metrics` section: WeightWatcher's heavy-tailed metrics (``SpectralMetrics``: power-law
/// fit with the KS-chosen x_min, Marchenko–Pastur fit, norms) of all 560 matrices of the
/// 70B-shaped model from their spectra (as `spectra --metrics` and the explorer compute them
/// from the cache), on one core and on every core, beside an anchor measured in the same run:
/// one pass of Σ ln σᵢ² over the same singular values, with the load average and the thread's
/// CPU time beside the wall time. Target (issue 18): well under a second, read as < 0.5 s on one core.
enum MetricsBenchmark {
    static func run(_ options: BenchOptions) throws -> [String] {
        let spectra = SeventyBModel.tensors().compactMap(\.spectrum)
        let values = spectra.reduce(0) { $0 + $1.singularValues.count }
        var lines = ["metrics: \(spectra.count) matrices of a 70B-shaped model, \(values) singular values"]
        let runs = max(3, options.runs / 5)

        var loads = [Double](repeating: 0, count: 3)
        getloadavg(&loads, 3)
        lines.append(row("load average (1, 5, 15 min)", loads.map { String(format: "%.1f", $0) }.joined(separator: ", ")))

        // Wall time for the verdict, and this thread's CPU time beside it (on a shared machine
        // the wall time also counts the time other processes held the core).
        var anchorSum = 0.0
        var anchorCPU: [Double] = []
        let anchor = Timing(runs: runs * 4) {
            let start = Timing.threadSeconds()
            var sum = 0.0
            for spectrum in spectra { for sigma in spectrum.singularValues { sum += log(sigma * sigma) } }
            anchorSum = sum
            anchorCPU.append(Timing.threadSeconds() - start)
        }
        lines.append(row("anchor: Σ ln σ² over every value", "\(anchor.summary)  (sum \(String(format: "%.6g", anchorSum)))"))

        var serial: [SpectralMetrics] = []
        var serialCPU: [Double] = []
        let oneCore = Timing(runs: runs) {
            let start = Timing.threadSeconds()
            serial = spectra.map(\.metrics)
            serialCPU.append(Timing.threadSeconds() - start)
        }
        lines.append(row("all metrics, one core", "\(oneCore.summary)  = \(ratio(oneCore, anchor)) × anchor"))
        let cpu = Timing(seconds: Array(serialCPU.dropFirst())), cpuAnchor = Timing(seconds: Array(anchorCPU.dropFirst()))
        lines.append(row("  the same, CPU time of the thread", "\(Timing.format(cpu.median)) = \(ratio(cpu, cpuAnchor)) × the anchor's \(Timing.format(cpuAnchor.median))"))

        let cores = ProcessInfo.processInfo.activeProcessorCount
        var parallel: [SpectralMetrics] = []
        let allCores = Timing(runs: runs) { parallel = SpectralMetrics.compute(spectra) }
        lines.append(row("all metrics, \(cores) cores", "\(allCores.summary)  = \(ratio(allCores, anchor)) × anchor"))
        guard parallel == serial else { throw BenchFailure("the parallel metrics differ from the serial ones") }

        let alphas = serial.map(\.alpha)
        var cautions: [SpectralCaution: Int] = [:]
        for metrics in serial { cautions[SpectralCaution(metrics: metrics), default: 0] += 1 }
        let named = SpectralCaution.allCases.filter { $0 != .none }.map { "\($0.rawValue) \(cautions[$0] ?? 0)" }.joined(separator: ", ")
        lines.append(String(format: "    → alpha %.3f–%.3f (median %.3f), num_spikes %d–%d, cautions: %@",
                            alphas.min() ?? 0, alphas.max() ?? 0, alphas.sorted()[alphas.count / 2],
                            serial.map(\.spikeCount).min() ?? 0, serial.map(\.spikeCount).max() ?? 0, named))
        let verdict = oneCore.median < 0.5 ? "PASS" : "MISS"
        lines.append("  target: all 560 matrices well under a second (< 0.5 s on one core): \(Timing.format(oneCore.median)) \(verdict)")
        return lines
    }

    /// A benchmark whose own check failed.
    struct BenchFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    private static func row(_ label: String, _ text: String) -> String {
        "  " + label + String(repeating: " ", count: max(1, 46 - label.count)) + text
    }

    private static func ratio(_ timing: Timing, _ anchor: Timing) -> String {
        let value = timing.median / max(anchor.median, 1e-12)
        return value >= 100 ? String(format: "%.0f", value) : String(format: "%.1f", value)
    }
}
