import Planning
import TerminalUI

/// The selected matrix's spectrum: σᵢ on a log axis with the chosen rank, the 90/99/99.9%
/// energy ranks and the break-even rank as vertical markers, the cumulative energy (0–100%,
/// linear) in a second chart beneath on the same x axis, a legend, and the key figures.
///
/// A pure function of its inputs. Call:
/// ```swift
/// SpectrumPane(title: "Spectrum " + name, status: status, chosenRank: rank,
///              estimate: estimate, styles: styles).render(into: &buffer, area: rect)
/// ```
/// For a data-aware spectrum (of `W·S`), set ``kind`` so the figures name `‖W·S‖F` and the
/// output error; ``comparison`` (the other kind's spectrum of the same matrix) adds its
/// cumulative energy as a faint second curve in the energy chart when that chart keeps at least
/// ``comparisonMinimumRows`` rows.
/// While only a partial estimate is known, the pane says so and charts its leading values alone.
/// Layout inside the border, top to bottom: legend rows, the σ chart, the energy chart (only
/// when at least ``energyChartMinimumRows`` rows are left for charts), the figure rows. When the
/// area is too short for charts, the marker ranks and the figures are drawn as text, as many
/// rows as fit; text is flowed, never cut mid-item.
public struct SpectrumPane: Widget {
    /// Text in the border.
    public var title: String
    /// The spectrum's state; nil when no layer is selected.
    public var status: SpectrumStatus?
    /// The rank chosen for the matrix; nil when it stays dense.
    public var chosenRank: Int?
    /// The layer's estimate under its current choice (parameters before → after, error);
    /// nil to show the truncation error of `chosenRank` instead.
    public var estimate: LayerEstimate?
    /// Colours and attributes.
    public var styles: PaneStyles
    /// Which kind of spectrum `status` holds: the figures are named after it.
    public var kind = SpectrumKind.weights
    /// The other kind's spectrum of the same matrix, drawn faintly in the energy chart; nil for none.
    public var comparison: Spectrum?

    /// Chart rows needed before the energy chart is drawn beneath the σ chart.
    public static let energyChartMinimumRows = 10
    /// Chart rows needed before any chart is drawn.
    public static let chartMinimumRows = 4
    /// Energy-chart rows (axes included) needed before ``comparison`` is drawn in it, so two
    /// curves never share a plot too short to tell them apart.
    public static let comparisonMinimumRows = 6

    /// Creates the pane.
    public init(title: String, status: SpectrumStatus?, chosenRank: Int? = nil,
                estimate: LayerEstimate? = nil, styles: PaneStyles = .standard) {
        self.title = title
        self.status = status
        self.chosenRank = chosenRank
        self.estimate = estimate
        self.styles = styles
    }

    /// Where each part goes inside `inner` (the area within the border).
    public struct Layout: Equatable {
        /// Legend rows.
        public var legend: Rect
        /// The σ chart (with its axes).
        public var singularValueChart: Rect
        /// The energy chart (with its axes); empty when there is no room.
        public var energyChart: Rect
        /// Figure rows.
        public var figures: Rect
        /// True when the energy chart has room for ``SpectrumPane/comparison`` (and the legend names it).
        public var showsComparison = false
    }

    /// Draws border, charts, legend and figures into `area`.
    public func render(into buffer: inout CellBuffer, area: Rect) {
        SpectrumFrame(title: title, status: status, styles: styles).render(into: &buffer, area: area, estimated: { estimate, buffer, rest in
            drawEstimate(estimate, into: &buffer, area: rest)
        }) { spectrum, buffer, inner in
            draw(spectrum, into: &buffer, inner: inner)
        }
    }

    /// A partial estimate's chart: its leading values alone (each a lower bound on its σᵢ) over
    /// ranks 1…k on a log axis, with the chosen rank when it falls among them, and beneath it the
    /// exact Frobenius norm and σ₁'s lower bound. The flat completion beyond k is not drawn: it
    /// only spreads the remaining energy, it is no spectrum. Nothing is drawn when fewer than
    /// ``chartMinimumRows`` rows are left.
    private func drawEstimate(_ spectrum: Spectrum, into buffer: inout CellBuffer, area: Rect) {
        guard area.height >= SpectrumPane.chartMinimumRows, case .estimate(let leading) = spectrum.exactness, leading > 1 else { return }
        let markers = chosenRank.flatMap { $0 <= leading ? [ChartMarker(x: Double($0), label: "k", style: styles.chosenRank)] : nil } ?? []
        var chart = LineChart(series: [ChartSeries(name: "σ̂", values: Array(spectrum.singularValues.prefix(leading)), style: styles.singularValues)],
                              markers: markers, logY: true, xRange: 1...Double(leading), axisStyle: styles.axis)
        chart.xTitle = "rank (≈ top \(leading) of \(spectrum.singularValues.count))"
        let facts = Legend(items: [LegendItem(text: normName + ExplorerFormat.number(spectrum.summary.frobeniusNorm) + " (exact)"),
                                   LegendItem(text: "σ₁ ≥ " + ExplorerFormat.number(spectrum.summary.spectralNorm))],
                           textStyle: styles.text)
        let factRows = min(facts.height(width: area.width), area.height - SpectrumPane.chartMinimumRows)
        let parts = area.rows([.remainder, .fixed(factRows)])
        chart.render(into: &buffer, area: parts[0])
        facts.render(into: &buffer, area: parts[1])
    }

    /// The layout for `spectrum` inside `inner`: with the comparison curve when there is one
    /// and its legend entry still leaves the energy chart ``comparisonMinimumRows`` rows.
    public func layout(_ spectrum: Spectrum, inner: Rect) -> Layout {
        if comparison != nil {
            var compared = layout(spectrum, inner: inner, includesComparison: true)
            if compared.energyChart.height >= SpectrumPane.comparisonMinimumRows {
                compared.showsComparison = true
                return compared
            }
        }
        return layout(spectrum, inner: inner, includesComparison: false)
    }

    private func layout(_ spectrum: Spectrum, inner: Rect, includesComparison: Bool) -> Layout {
        let legendRows = legend(spectrum, includesComparison: includesComparison).height(width: inner.width)
        let figureRows = figures(spectrum).height(width: inner.width)
        let chartRows = inner.height - legendRows - figureRows
        guard chartRows >= SpectrumPane.chartMinimumRows else {
            let markerRows = min(inner.height, legend(spectrum, includesLines: false).height(width: inner.width))
            let parts = inner.rows([.fixed(markerRows), .remainder])
            return Layout(legend: parts[0], singularValueChart: .zero, energyChart: .zero,
                          figures: parts[1].resized(height: min(parts[1].height, figureRows)))
        }
        let parts = inner.rows([.fixed(legendRows), .fixed(chartRows), .fixed(figureRows)])
        var sigma = parts[1], energy = Rect.zero
        if chartRows >= SpectrumPane.energyChartMinimumRows {
            let split = parts[1].rows([.remainder, .fixed(max(4, chartRows * 2 / 5))])
            sigma = split[0]
            energy = split[1]
        }
        return Layout(legend: parts[0], singularValueChart: sigma, energyChart: energy, figures: parts[2])
    }

    /// The marker lines in drawing order (the chosen rank last, on top).
    public func markers(_ s: SpectrumSummary) -> [ChartMarker] {
        var markers = [
            ChartMarker(x: Double(s.breakEvenRank), label: "", style: styles.breakEven),
            ChartMarker(x: Double(s.energyRank999), label: "", style: styles.energyRank999),
            ChartMarker(x: Double(s.energyRank99), label: "", style: styles.energyRank99),
            ChartMarker(x: Double(s.energyRank90), label: "", style: styles.energyRank90),
        ]
        if let rank = chosenRank {
            markers.append(ChartMarker(x: Double(rank), label: "k", style: styles.chosenRank))
        }
        return markers
    }

    /// Legend entries: the lines (σ when `includesLines`, energy when both flags hold, the
    /// comparison too when `includesComparison`), then each marker with its rank.
    public func legend(_ spectrum: Spectrum, includesLines: Bool = true, includesEnergy: Bool = true,
                       includesComparison: Bool = true) -> Legend {
        let s = spectrum.summary
        var items: [LegendItem] = []
        if includesLines { items.append(LegendItem(swatch: "━", text: "σᵢ", style: styles.singularValues)) }
        if includesLines && includesEnergy { items.append(LegendItem(swatch: "━", text: "energy %", style: styles.energy)) }
        if includesLines && includesEnergy && includesComparison && comparison != nil {
            items.append(LegendItem(swatch: "━", text: kind.other.name, style: styles.dim, styleText: true))
        }
        items += [
            LegendItem(swatch: "│", text: "r90 \(s.energyRank90)", style: styles.energyRank90, styleText: true),
            LegendItem(swatch: "│", text: "r99 \(s.energyRank99)", style: styles.energyRank99, styleText: true),
            LegendItem(swatch: "│", text: "r99.9 \(s.energyRank999)", style: styles.energyRank999, styleText: true),
            LegendItem(swatch: "│", text: "break-even \(s.breakEvenRank)", style: styles.breakEven, styleText: true),
        ]
        if let rank = chosenRank {
            items.append(LegendItem(swatch: "│", text: "k \(rank)", style: styles.chosenRank, styleText: true))
        }
        return Legend(items: items, textStyle: styles.text)
    }

    /// The norm's name in the figures: of the weights, or of `W·S` for a data-aware spectrum.
    private var normName: String { kind == .dataAware ? "‖W·S‖F " : "‖W‖F " }

    /// The key figures, flowed: norms, stable/effective rank, full rank, then the choice's
    /// kept energy, error and parameters.
    public func figures(_ spectrum: Spectrum) -> Legend {
        let s = spectrum.summary
        let total = spectrum.tailEnergy.first ?? 0
        let kept = chosenRank.map { k in total > 0 ? 1 - spectrum.tailEnergy[min(max(k, 0), spectrum.singularValues.count)] / total : 1 } ?? 1
        let error = estimate?.relativeError ?? chosenRank.map { spectrum.truncationError(rank: $0) } ?? 0
        var texts = [
            normName + ExplorerFormat.number(s.frobeniusNorm),
            "σ₁ \(ExplorerFormat.number(s.spectralNorm))",
            "stable rank \(ExplorerFormat.number(s.stableRank))",
            "effective rank \(ExplorerFormat.number(s.effectiveRank))",
            "full rank \(s.fullRank)",
            (chosenRank.map { "k=\($0)" } ?? "dense") + " keeps \(ExplorerFormat.percent(kept))",
            (kind == .dataAware ? "output error " : "error ") + ExplorerFormat.percent(error),
        ]
        if let e = estimate {
            texts.append("params \(ExplorerFormat.count(e.parametersBefore)) → \(ExplorerFormat.count(e.parametersAfter))")
        }
        return Legend(items: texts.map { LegendItem(text: $0) }, textStyle: styles.text)
    }

    private func draw(_ spectrum: Spectrum, into buffer: inout CellBuffer, inner: Rect) {
        let parts = layout(spectrum, inner: inner)
        // Laid out with the full legend; entries for lines not drawn go.
        let comparing = parts.showsComparison
        legend(spectrum, includesLines: !parts.singularValueChart.isEmpty, includesEnergy: !parts.energyChart.isEmpty,
               includesComparison: comparing).render(into: &buffer, area: parts.legend)
        figures(spectrum).render(into: &buffer, area: parts.figures)
        guard !parts.singularValueChart.isEmpty else { return }
        let values = spectrum.singularValues
        let xRange = 1...Double(max(2, values.count))
        let markers = markers(spectrum.summary)
        var sigma = LineChart(series: [ChartSeries(name: "σ", values: values, style: styles.singularValues)],
                              markers: markers, logY: true, xRange: xRange, axisStyle: styles.axis)
        sigma.xTitle = "rank"
        guard !parts.energyChart.isEmpty else {
            sigma.render(into: &buffer, area: parts.singularValueChart)
            return
        }
        var series = [ChartSeries(name: "energy %", values: SpectrumPane.energyPercents(spectrum), style: styles.energy)]
        if let comparison, comparing {
            series.insert(ChartSeries(name: kind.other.name, values: SpectrumPane.energyPercents(comparison), style: styles.dim), at: 0)
        }
        var energy = LineChart(series: series,
                               markers: markers.map { ChartMarker(x: $0.x, label: "", style: $0.style) },
                               xRange: xRange, yRange: 0...100, axisStyle: styles.axis)
        energy.yLabelSuffix = "%"
        energy.xTitle = "rank"
        sigma.showsXLabels = false
        // Equal gutters so both charts put rank k in the same column.
        let gutter = max(sigma.plotArea(in: parts.singularValueChart).x, energy.plotArea(in: parts.energyChart).x)
        sigma.render(into: &buffer, area: SpectrumPane.aligned(parts.singularValueChart, chart: sigma, plotX: gutter))
        energy.render(into: &buffer, area: SpectrumPane.aligned(parts.energyChart, chart: energy, plotX: gutter))
    }

    /// The cumulative energy of `spectrum` after each rank, in percent of the total.
    static func energyPercents(_ spectrum: Spectrum) -> [Double] {
        let cumulative = SpectrumSummary.cumulativeEnergy(spectrum.singularValues)
        let total = cumulative.last ?? 0
        return cumulative.map { total > 0 ? $0 / total * 100 : 0 }
    }

    /// `area` shrunk from the left so `chart`'s plot starts at column `plotX`.
    static func aligned(_ area: Rect, chart: LineChart, plotX: Int) -> Rect {
        let shift = plotX - chart.plotArea(in: area).x
        return area.inset(left: shift)
    }
}

extension Rect {
    /// The same origin and width with `height` rows.
    func resized(height: Int) -> Rect { Rect(x: x, y: y, width: width, height: height) }
}
