/// A horizontal progress bar with eighth-cell precision (`▏▎▍▌▋▊▉█`) and a centred label.
///
/// The bar fills every row of the area; the label (default "NN%") is drawn on the middle row
/// over the bar in `labelStyle`.
public struct Gauge: Widget {
    /// Progress 0…1 (clamped; NaN counts as 0).
    public var ratio: Double
    /// Text drawn centred over the bar; nil shows the percentage.
    public var label: String?
    /// Style of the filled part.
    public var barStyle: Style
    /// Style of the label.
    public var labelStyle: Style

    /// Creates a gauge.
    public init(ratio: Double, label: String? = nil, barStyle: Style = .plain, labelStyle: Style = .plain) {
        self.ratio = ratio
        self.label = label
        self.barStyle = barStyle
        self.labelStyle = labelStyle
    }

    /// The label actually drawn.
    public var resolvedLabel: String {
        if let l = label { return l }
        let r = ratio.isFinite ? min(1, max(0, ratio)) : 0
        return "\(Int((r * 100).rounded()))%"
    }

    /// Draws the gauge into `area`.
    public func render(into buffer: inout CellBuffer, area: Rect) {
        let area = area.intersection(buffer.area)  // lay out in the visible part only
        guard !area.isEmpty else { return }
        let e = BlockGlyphs.eighths(fraction: ratio, width: area.width)
        for y in area.y..<area.maxY {
            BlockGlyphs.drawBar(into: &buffer, x: area.x, y: y, width: area.width, eighths: e, style: barStyle)
        }
        let text = resolvedLabel
        let w = min(DisplayWidth.of(text), area.width)
        let x = area.x + Alignment.center.offset(textWidth: w, in: area.width)
        buffer.write(text, at: Position(x: x, y: area.y + area.height / 2), style: labelStyle, maxWidth: area.maxX - x)
    }
}
