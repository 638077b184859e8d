import Planning
import TerminalUI

/// Dense low-rank factors versus pruning to the same parameter count: a table and a bar chart
/// of the sizes (dense low-rank, the unpruned matrices, every ``SparseFormat``) at the plan's
/// parameter count, with each format's break-even density; and a chart of size against
/// parameter count (density 0…1) for all of them, the plan's count marked.
///
/// A pure function of its inputs. Call:
/// ```swift
/// SparseDensePane(shapes: factoredShapes, keptParameters: totals.parametersAfter,
///                 valueBits: 16, styles: styles).render(into: &buffer, area: rect)
/// ```
/// Sizes come from ``SparseComparison`` (dense low-rank = the kept count as plain values, no
/// scales). Layout inside the border: a summary row; the table with the bars beside it when the
/// area is at least ``barsMinimumWidth`` wide; the chart's legend and the chart beneath when at
/// least ``chartMinimumRows`` rows are left.
public struct SparseDensePane: Widget {
    /// Text in the border.
    public var title: String
    /// The matrices compared (usually those the plan factorizes).
    public var shapes: [(rows: Int, columns: Int)]
    /// Parameters kept: the plan's count for those matrices.
    public var keptParameters: Int
    /// Bits per stored value in every format.
    public var valueBits: Int
    /// Colours and attributes.
    public var styles: PaneStyles

    /// Width from which the bar chart is drawn beside the table.
    public static let barsMinimumWidth = 70
    /// Rows the size chart needs (with its axes) before it is drawn.
    public static let chartMinimumRows = 5
    /// Rows the size chart keeps before the legend adds its two explanatory sentences.
    public static let explainedChartRows = 10
    /// Density samples of the size chart.
    public static let chartSamples = 101

    /// Creates the pane.
    public init(title: String = "Sparse vs dense low-rank", shapes: [(rows: Int, columns: Int)],
                keptParameters: Int, valueBits: Int, styles: PaneStyles = .standard) {
        self.title = title
        self.shapes = shapes
        self.keptParameters = keptParameters
        self.valueBits = valueBits
        self.styles = styles
    }

    /// Σ m·n: the parameter count at density 1.
    public var elementCount: Int { shapes.reduce(0) { $0 + $1.rows * $1.columns } }

    /// The comparison at the plan's count.
    public var comparison: SparseComparison {
        SparseComparison(shapes: shapes, keptParameters: keptParameters, valueBits: valueBits)
    }

    /// One line of the table and of the bars.
    public struct Entry: Equatable {
        /// Storage name.
        public var name: String
        /// Bytes, nil when the format does not apply.
        public var bytes: Int?
        /// Break-even density versus the unpruned matrices (nil: never smaller, or not a sparse format).
        public var breakEvenDensity: Double?
        /// True for the sparse formats.
        public var isSparse: Bool
    }

    /// Dense low-rank, the unpruned matrices, then each sparse format.
    public func entries(_ c: SparseComparison) -> [Entry] {
        [Entry(name: "low-rank A·B", bytes: c.denseValuesBytes, breakEvenDensity: nil, isSparse: false),
         Entry(name: "dense W", bytes: c.denseBytes, breakEvenDensity: nil, isSparse: false)]
            + c.rows.map { Entry(name: $0.format.rawValue, bytes: $0.bytes, breakEvenDensity: $0.breakEvenDensity, isSparse: true) }
    }

    /// Draws border, summary, table, bars and chart into `area`.
    public func render(into buffer: inout CellBuffer, area: Rect) {
        let block = Block(title: title, borderStyle: styles.border, titleStyle: styles.title)
        block.render(into: &buffer, area: area)
        let inner = block.inner(area)
        guard !inner.isEmpty else { return }
        let elements = elementCount
        guard elements > 0, valueBits > 0 else {
            buffer.write("no factorized matrices to compare", at: Position(x: inner.x + 1, y: inner.y), style: styles.dim,
                         maxWidth: inner.width - 1)
            return
        }
        let c = comparison
        let entries = entries(c)
        let summary = Legend(items: [
            LegendItem(text: "\(ExplorerFormat.count(keptParameters)) of \(ExplorerFormat.count(elements)) parameters"),
            LegendItem(text: "density \(ExplorerFormat.percent(c.density))"),
            LegendItem(text: "\(valueBits)-bit values"),
            LegendItem(text: shapes.count == 1 ? "1 matrix" : "\(shapes.count) matrices"),
        ], textStyle: styles.text)
        let summaryRows = min(summary.height(width: inner.width), inner.height)
        summary.render(into: &buffer, area: inner.resized(height: summaryRows))
        let tableRows = min(entries.count + 1, inner.height - summaryRows)
        let tableArea = Rect(x: inner.x, y: inner.y + summaryRows, width: inner.width, height: tableRows)
        let sides = inner.width >= SparseDensePane.barsMinimumWidth
            ? tableArea.columns([.fixed(46), .remainder], spacing: 2) : [tableArea]
        drawTable(entries, into: &buffer, area: sides[0])
        if sides.count > 1 { drawBars(entries, into: &buffer, area: sides[1].inset(top: 1)) }
        let rest = Rect(x: inner.x, y: tableArea.maxY, width: inner.width, height: inner.maxY - tableArea.maxY)
        drawChart(entries, into: &buffer, area: rest)
    }

    /// The table's cell texts: name, size, size ÷ low-rank size, break-even density.
    public func tableRows(_ entries: [Entry]) -> [[String]] {
        let lowRank = entries.first?.bytes ?? 0
        return entries.map { e in
            let size = e.bytes.map(ExplorerFormat.bytes) ?? "n/a"
            let ratio = e.bytes.map { lowRank > 0 ? ExplorerFormat.number(Double($0) / Double(lowRank)) + "×" : "—" } ?? "—"
            let breakEven = e.isSparse ? (e.breakEvenDensity.map(ExplorerFormat.percent) ?? "never") : "—"
            return [e.name, size, ratio, breakEven]
        }
    }

    /// Width from which the table shows the "÷ low-rank" column.
    public static let ratioColumnMinimumWidth = 46

    private func drawTable(_ entries: [Entry], into buffer: inout CellBuffer, area: Rect) {
        var columns = [
            TableColumn("storage", width: .remainder),
            TableColumn("size", width: .fixed(8), alignment: .right),
            TableColumn("÷ low-rank", width: .fixed(10), alignment: .right),
            TableColumn("break-even", width: .fixed(10), alignment: .right),
        ]
        var rows = tableRows(entries)
        if area.width < SparseDensePane.ratioColumnMinimumWidth {
            columns.remove(at: 2)
            rows = rows.map { var r = $0; r.remove(at: 2); return r }
        }
        Table(columns: columns, rows: rows, headerStyle: styles.title, rowStyle: styles.text)
            .render(into: &buffer, area: area)
    }

    private func drawBars(_ entries: [Entry], into buffer: inout CellBuffer, area: Rect) {
        let smallest = entries.compactMap(\.bytes).min()
        let items = entries.map { e -> BarChartItem in
            var style = e.isSparse ? styles.sparse : styles.dense
            if e.bytes == smallest { style = SparseDensePane.merged(style, styles.best) }
            return BarChartItem(label: "", value: Double(e.bytes ?? 0), style: style,
                                valueText: e.bytes == nil ? "n/a" : "")
        }
        BarChart(items: items, barStyle: styles.dense, textStyle: styles.text).render(into: &buffer, area: area)
    }

    /// The size curves in bytes against parameters kept, sampled at ``chartSamples`` densities
    /// 0…1: dense low-rank (P·b/8), the unpruned matrices, then each format (NaN where it does
    /// not apply).
    ///
    /// Every format's size is affine in the kept count per matrix, so the total at density d is
    /// Σ size(0) + d·(Σ size(m·n) − Σ size(0)) (exact but for rounding nnz per matrix); a format
    /// that does not apply to the full matrices (2:4) costs Σ size(0) up to density ½ and does not
    /// apply beyond. This keeps a frame at O(matrices · formats + samples).
    public func sizeSeries() -> [(name: String, bytes: [(parameters: Double, bytes: Double)])] {
        let elements = Double(elementCount)
        let samples = SparseDensePane.chartSamples
        let densities = (0..<samples).map { Double($0) / Double(samples - 1) }
        func curve(_ name: String, _ bytes: (Double) -> Double) -> (name: String, bytes: [(parameters: Double, bytes: Double)]) {
            (name, densities.map { (parameters: $0 * elements, bytes: bytes($0)) })
        }
        let denseBytes = elements * Double(valueBits) / 8
        var out = [curve("low-rank") { $0 * denseBytes }, curve("dense W") { _ in denseBytes }]
        for format in SparseFormat.allCases {
            var empty = 0.0, full: Double? = 0
            for (m, n) in shapes {
                empty += Double(format.bits(rows: m, columns: n, nonZeros: 0, valueBits: valueBits) ?? 0)
                let bits = format.bits(rows: m, columns: n, nonZeros: m * n, valueBits: valueBits)
                full = full.flatMap { total in bits.map { total + Double($0) } }
            }
            out.append(curve(format.rawValue) { d in
                if let full { return (empty + d * (full - empty)) / 8 }
                return d <= 0.5 ? empty / 8 : .nan
            })
        }
        return out
    }

    private func drawChart(_ entries: [Entry], into buffer: inout CellBuffer, area: Rect) {
        guard area.height >= SparseDensePane.chartMinimumRows + 1 else { return }
        let curves = sizeSeries()
        let lineStyles = curves.indices.map(lineStyle)
        var legendItems = curves.indices.map { LegendItem(swatch: "━", text: curves[$0].name, style: lineStyles[$0]) }
        legendItems.append(LegendItem(swatch: "│", text: "plan", style: styles.chosenRank, styleText: true))
        var legend = Legend(items: legendItems, textStyle: styles.text)
        // The explanation only when the chart keeps a readable height.
        let notes = [LegendItem(text: "low-rank needs no indices: smallest at every count;", style: styles.dim, styleText: true),
                     LegendItem(text: "a sparse format beats dense W left of its break-even", style: styles.dim, styleText: true)]
        let explained = Legend(items: legendItems + notes, textStyle: styles.text)
        if area.height - explained.height(width: area.width) >= SparseDensePane.explainedChartRows { legend = explained }
        let legendRows = legend.height(width: area.width)
        guard area.height - legendRows >= SparseDensePane.chartMinimumRows else { return }
        legend.render(into: &buffer, area: area.resized(height: legendRows))
        // Up to twice the unpruned size: the crossings with "dense W" are what matters.
        let top = Double(max(1, entries[1].bytes ?? 1)) * 2
        let (byteUnit, byteName) = ByteCountFormatting.axisUnit(for: top)
        let (countUnit, countName) = SparseDensePane.unit(for: Double(elementCount))
        let series = curves.indices.map { i in
            ChartSeries(name: curves[i].name,
                        points: curves[i].bytes.map { (x: $0.parameters / countUnit, y: $0.bytes / byteUnit) }, style: lineStyles[i])
        }
        var chart = LineChart(series: series,
                              markers: [ChartMarker(x: Double(keptParameters) / countUnit, label: "plan", style: styles.chosenRank)],
                              xRange: 0...Double(elementCount) / countUnit, yRange: 0...top / byteUnit, axisStyle: styles.axis)
        chart.yLabelSuffix = byteName
        chart.xTitle = "parameters kept" + (countName.isEmpty ? "" : " (\(countName))")
        chart.render(into: &buffer, area: area.inset(top: legendRows))
    }

    /// A power of 1000 and its prefix (``, `K`, `M`, `G`, `T`) that brings the parameter count
    /// `value` below 1000 (sizes use binary units: ``ByteCountFormatting/axisUnit(for:)``).
    static func unit(for value: Double) -> (Double, String) {
        var unit = 1.0
        for prefix in ["", "K", "M", "G"] {
            if value / unit < 1000 { return (unit, prefix) }
            unit *= 1000
        }
        return (unit, "T")
    }

    /// Line style of curve `index` (low-rank, dense W, then the formats).
    func lineStyle(_ index: Int) -> Style {
        switch index {
        case 0: return SparseDensePane.merged(styles.dense, Style(bold: true))
        case 1: return styles.axis
        default: return styles.series[(index - 1) % styles.series.count]
        }
    }

    /// `base` with the attributes of `extra` added, and its colours where `extra` sets them.
    static func merged(_ base: Style, _ extra: Style) -> Style {
        var s = base
        if extra.foreground != .default { s.foreground = extra.foreground }
        if extra.background != .default { s.background = extra.background }
        s.bold = s.bold || extra.bold
        s.dim = s.dim || extra.dim
        s.reverse = s.reverse || extra.reverse
        s.underline = s.underline || extra.underline
        return s
    }
}
