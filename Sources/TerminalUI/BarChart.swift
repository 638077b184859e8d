/// Horizontal bars, one item per row: `label │bar…      value`, with eighth-block precision.
///
/// Labels are left-aligned in a column as wide as the widest label (at most a third of the
/// area); values are right-aligned at the right edge; bars scale so `maxValue` fills the
/// space between. Items beyond the area's height are not drawn.
public struct BarChart: Widget {
    /// The bars, top to bottom.
    public var items: [BarChartItem]
    /// The value that fills the whole bar space; nil uses the largest item value.
    public var maxValue: Double?
    /// Default bar style.
    public var barStyle: Style
    /// Style of labels and values.
    public var textStyle: Style

    /// Creates a bar chart.
    public init(items: [BarChartItem], maxValue: Double? = nil, barStyle: Style = .plain, textStyle: Style = .plain) {
        self.items = items
        self.maxValue = maxValue
        self.barStyle = barStyle
        self.textStyle = textStyle
    }

    /// Draws the bars into `area`.
    public func render(into buffer: inout CellBuffer, area: Rect) {
        let area = area.intersection(buffer.area)  // lay out in the visible part only
        guard !area.isEmpty, !items.isEmpty else { return }
        let texts = items.map { $0.valueText ?? NumberFormat.compact($0.value) }
        let labelW = min(items.map { DisplayWidth.of($0.label) }.max() ?? 0, area.width / 3)
        let valueW = min(texts.map { DisplayWidth.of($0) }.max() ?? 0, max(0, area.width - labelW - 1))
        let barX = area.x + labelW + (labelW > 0 ? 1 : 0)
        let barW = max(0, area.maxX - barX - (valueW > 0 ? valueW + 1 : 0))
        let finite = items.map(\.value).filter { $0.isFinite }
        var top = maxValue ?? (finite.max() ?? 0)
        if !top.isFinite || top <= 0 { top = 1 }
        for (i, item) in items.enumerated() where i < area.height {
            let y = area.y + i
            if labelW > 0 { buffer.write(item.label, at: Position(x: area.x, y: y), style: textStyle, maxWidth: labelW) }
            let e = BlockGlyphs.eighths(fraction: item.value / top, width: barW)
            BlockGlyphs.drawBar(into: &buffer, x: barX, y: y, width: barW, eighths: e, style: item.style ?? barStyle)
            if valueW > 0 {
                let w = min(DisplayWidth.of(texts[i]), valueW)
                buffer.write(texts[i], at: Position(x: area.maxX - w, y: y), style: textStyle, maxWidth: w)
            }
        }
    }
}
