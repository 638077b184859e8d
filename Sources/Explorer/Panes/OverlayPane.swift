import TerminalUI

/// Several spectra on one log axis in distinct styles with a legend: the same role across
/// depth, or layers the user marked.
///
/// A pure function of its inputs. Call:
/// ```swift
/// OverlayPane(title: "mlp.up_proj across depth",
///             spectra: [.init(name: "0", singularValues: s0), .init(name: "1", singularValues: s1)],
///             normalized: true, styles: styles).render(into: &buffer, area: rect)
/// ```
/// Spectrum i uses `styles.series[i % count]`. With `normalized`, each line is σᵢ/σ₁ so shapes
/// compare regardless of scale (a spectrum with σ₁ = 0 is left out). Layout inside the border:
/// legend rows on top, then the chart (x = rank 1…longest spectrum); when fewer than
/// ``chartMinimumRows`` rows are left the legend alone is drawn.
public struct OverlayPane: Widget {
    /// One line of the overlay.
    public struct Line: Equatable, Sendable {
        /// Legend text, such as a block number or a layer name.
        public var name: String
        /// Singular values in descending order.
        public var singularValues: [Double]

        /// Creates a line.
        public init(name: String, singularValues: [Double]) {
            self.name = name
            self.singularValues = singularValues
        }
    }

    /// Text in the border.
    public var title: String
    /// The spectra, in legend order.
    public var spectra: [Line]
    /// Divide each spectrum by its σ₁.
    public var normalized: Bool
    /// Colours and attributes.
    public var styles: PaneStyles

    /// Chart rows needed before the chart is drawn.
    public static let chartMinimumRows = 4

    /// Creates the pane.
    public init(title: String, spectra: [Line], normalized: Bool = false, styles: PaneStyles = .standard) {
        self.title = title
        self.spectra = spectra
        self.normalized = normalized
        self.styles = styles
    }

    /// The style of spectrum `index`.
    public func style(of index: Int) -> Style { styles.series[index % styles.series.count] }

    /// The values plotted for spectrum `index` (σᵢ, or σᵢ/σ₁ when normalized; empty when σ₁ is 0).
    public func plotted(_ index: Int) -> [Double] {
        let values = spectra[index].singularValues
        guard normalized else { return values }
        guard let first = values.first, first > 0 else { return [] }
        return values.map { $0 / first }
    }

    /// The legend: one swatch per spectrum, then what y shows.
    public var legend: Legend {
        var items = spectra.indices.map { LegendItem(swatch: "━", text: spectra[$0].name, style: style(of: $0)) }
        items.append(LegendItem(text: normalized ? "(σᵢ/σ₁, log)" : "(σᵢ, log)", style: styles.dim, styleText: true))
        return Legend(items: items, textStyle: styles.text)
    }

    /// Draws border, legend and chart into `area`.
    public func render(into buffer: inout CellBuffer, area: Rect) {
        let block = Block(title: title, borderStyle: styles.border, titleStyle: styles.title)
        block.render(into: &buffer, area: area)
        let inner = block.inner(area)
        guard !inner.isEmpty else { return }
        guard !spectra.isEmpty else {
            buffer.write("no spectra to compare", at: Position(x: inner.x + 1, y: inner.y), style: styles.dim,
                         maxWidth: inner.width - 1)
            return
        }
        let legend = self.legend
        let legendRows = min(legend.height(width: inner.width), inner.height)
        let parts = inner.rows([.fixed(legendRows), .remainder])
        legend.render(into: &buffer, area: parts[0])
        guard parts[1].height >= OverlayPane.chartMinimumRows else { return }
        let longest = spectra.map(\.singularValues.count).max() ?? 1
        let series = spectra.indices.map { ChartSeries(name: spectra[$0].name, values: plotted($0), style: style(of: $0)) }
        var chart = LineChart(series: series, logY: true, xRange: 1...Double(max(2, longest)), axisStyle: styles.axis)
        chart.xTitle = "rank"
        chart.render(into: &buffer, area: parts[1])
    }
}
