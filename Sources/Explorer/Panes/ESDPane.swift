import Foundation
import Planning
import TerminalUI

/// The selected matrix's empirical spectral density (ESD) as WeightWatcher draws it: a histogram
/// of the eigenvalues λ = σ² on logarithmic bins, on log-log axes, with the fitted power law
/// from x_min and the Marchenko–Pastur bulk edge λ₊ as markers, and the metrics beneath.
///
/// A pure function of its inputs. Call:
/// ```swift
/// ESDPane(title: "ESD " + name, status: status, metrics: metrics, styles: styles)
///     .render(into: &buffer, area: rect)
/// ```
/// The x axis is log₁₀ λ (the braille chart has no log x axis, so positions are logs), the y
/// axis the density on a log axis: bin b holds the positive eigenvalues in
/// [10^(l + b·w), 10^(l + (b+1)·w)) for ``binCount`` equal widths w from the smallest to the largest,
/// drawn at the bin's centre as count ÷ (n × bin width in λ), n = number of positive eigenvalues
/// (the `powerlaw` package's log-binned PDF, over all eigenvalues rather than the tail only);
/// empty bins are skipped. The power law p(λ) = (n_tail/n)·(α − 1)/x_min·(λ/x_min)^(−α) is the
/// fitted tail's density scaled by the tail's share, so it lies on the histogram where the fit is
/// good. Too short for a chart (fewer than ``chartMinimumRows``), only the figures are drawn.
public struct ESDPane: Widget {
    /// Text in the border.
    public var title: String
    /// The spectrum's state; nil when no layer is selected.
    public var status: SpectrumStatus?
    /// The spectrum's metrics; nil until computed.
    public var metrics: SpectralMetrics?
    /// Colours and attributes.
    public var styles: PaneStyles

    /// Logarithmic bins of the histogram.
    public static let binCount = 40
    /// Rows the chart needs (axes included) before it is drawn.
    public static let chartMinimumRows = 4

    /// Creates the pane.
    public init(title: String, status: SpectrumStatus?, metrics: SpectralMetrics?, styles: PaneStyles = .standard) {
        self.title = title
        self.status = status
        self.metrics = metrics
        self.styles = styles
    }

    /// The log-binned density of the positive eigenvalues: (log₁₀ bin centre, density) per
    /// non-empty bin; one point when all are equal, none when none is positive.
    public static func histogram(_ eigenvalues: [Double], bins: Int = binCount) -> [(x: Double, y: Double)] {
        let positive = eigenvalues.filter { $0 > 0 && $0.isFinite }
        guard let smallest = positive.min(), let largest = positive.max(), bins > 0 else { return [] }
        let low = log10(smallest), high = log10(largest)
        guard high > low else { return [(low, 1)] }
        let width = (high - low) / Double(bins)
        var counts = [Int](repeating: 0, count: bins)
        for value in positive { counts[min(bins - 1, Int((log10(value) - low) / width))] += 1 }
        let n = Double(positive.count)
        return counts.enumerated().compactMap { bin, count in
            guard count > 0 else { return nil }
            let left = pow(10, low + Double(bin) * width), right = pow(10, low + Double(bin + 1) * width)
            return (low + (Double(bin) + 0.5) * width, Double(count) / (n * (right - left)))
        }
    }

    /// The fitted power law's density, scaled by the tail's share `tailShare`, at `steps` points
    /// from x_min to `largest` (log₁₀ λ, density).
    public static func powerLawLine(_ fit: PowerLawFit, tailShare: Double, largest: Double, steps: Int = 24) -> [(x: Double, y: Double)] {
        guard fit.xmin > 0, largest > fit.xmin, fit.alpha > 1 else { return [] }
        let low = log10(fit.xmin), high = log10(largest)
        return (0...steps).map { step in
            let x = low + (high - low) * Double(step) / Double(steps)
            let lambda = pow(10, x)
            return (x, tailShare * (fit.alpha - 1) / fit.xmin * pow(lambda / fit.xmin, -fit.alpha))
        }
    }

    /// The figures, flowed: the fit, the MP figures, norms and ranks, the flag and the caution.
    public static func figures(_ m: SpectralMetrics) -> [String] {
        func f(_ value: Double) -> String { String(format: "%.3f", value) }
        var texts: [String] = []
        if let fit = m.powerLaw {
            texts += ["alpha \(f(fit.alpha))", "xmin \(ExplorerFormat.number(fit.xmin))", "D \(f(fit.ksDistance))",
                      "tail \(m.powerLawTailCount) of \(m.eigenvalueCount)"]
        } else {
            texts.append("power-law fit failed")
        }
        if let mp = m.marchenkoPastur {
            texts += ["num_spikes \(mp.spikeCount)", "bulk λ₊ \(ExplorerFormat.number(mp.bulkMax))", "mp_softrank \(f(mp.softRank))"]
        } else {
            texts.append("MP fit failed")
        }
        texts += ["alpha_weighted \(f(m.alphaWeighted))", "log_norm \(f(m.logNorm))", "log_spectral_norm \(f(m.logSpectralNorm))",
                  "stable_rank \(ExplorerFormat.number(m.stableRank))", "entropy \(f(m.entropy))", "matrix_rank \(m.matrixRank)"]
        if m.warning != .none { texts.append("flag " + m.warning.rawValue) }
        let caution = SpectralCaution(metrics: m)
        if caution != .none { texts.append("caution " + caution.rawValue + ": " + caution.explanation) }
        return texts
    }

    /// Draws border, legend, chart and figures into `area`.
    public func render(into buffer: inout CellBuffer, area: Rect) {
        SpectrumFrame(title: title, status: status, styles: styles).render(into: &buffer, area: area) { spectrum, buffer, inner in
            guard let metrics else { return }
            draw(spectrum, metrics, into: &buffer, inner: inner)
        }
    }

    private func draw(_ spectrum: Spectrum, _ m: SpectralMetrics, into buffer: inout CellBuffer, inner: Rect) {
        let figures = Legend(items: ESDPane.figures(m).map { LegendItem(text: $0) }, textStyle: styles.text)
        var legendItems = [LegendItem(swatch: "━", text: "ESD of λ = σ² (log bins)", style: styles.singularValues)]
        var markers: [ChartMarker] = []
        if let fit = m.powerLaw {
            legendItems.append(LegendItem(swatch: "━", text: "power law α \(String(format: "%.2f", fit.alpha))", style: styles.energy))
            legendItems.append(LegendItem(swatch: "│", text: "xmin", style: styles.energyRank99, styleText: true))
            markers.append(ChartMarker(x: log10(fit.xmin), label: "", style: styles.energyRank99))
        }
        if let mp = m.marchenkoPastur, mp.bulkMax > 0 {
            legendItems.append(LegendItem(swatch: "│", text: "MP bulk edge", style: styles.breakEven, styleText: true))
            markers.append(ChartMarker(x: log10(mp.bulkMax), label: "", style: styles.breakEven))
        }
        let legend = Legend(items: legendItems, textStyle: styles.text)
        let legendRows = legend.height(width: inner.width)
        let figureRows = figures.height(width: inner.width)
        let chartRows = inner.height - legendRows - figureRows
        guard chartRows >= ESDPane.chartMinimumRows else {
            figures.render(into: &buffer, area: inner)
            return
        }
        let parts = inner.rows([.fixed(legendRows), .fixed(chartRows), .fixed(figureRows)])
        legend.render(into: &buffer, area: parts[0])
        figures.render(into: &buffer, area: parts[2])
        let eigenvalues = spectrum.singularValues.map { $0 * $0 }
        let histogram = ESDPane.histogram(eigenvalues)
        guard let first = histogram.first, let largest = eigenvalues.max() else { return }
        var series = [ChartSeries(name: "ESD", points: histogram, style: styles.singularValues)]
        if let fit = m.powerLaw {
            let positive = eigenvalues.filter { $0 > 0 }.count
            let share = positive > 0 ? Double(max(0, m.powerLawTailCount)) / Double(positive) : 0
            series.append(ChartSeries(name: "power law", points: ESDPane.powerLawLine(fit, tailShare: share, largest: largest),
                                      style: styles.energy))
        }
        let low = min(first.x, markers.map(\.x).min() ?? first.x)
        let high = max(log10(largest), markers.map(\.x).max() ?? low)
        var chart = LineChart(series: series, markers: markers, logY: true,
                              xRange: low...(high > low ? high : low + 1), axisStyle: styles.axis)
        chart.xTitle = "log₁₀ λ"
        chart.render(into: &buffer, area: parts[1])
    }
}
