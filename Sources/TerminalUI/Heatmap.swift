/// A grid of values drawn as coloured shade blocks, with row labels on the left and column
/// labels on top (e.g. layers × matrix kinds, coloured by kept rank).
///
/// Each value maps linearly from `range` onto `ramp` (256-colour palette indices, low to
/// high) as the foreground of a shade glyph (`░▒▓█` by quarter of the range), so the map stays readable
/// when colours are off (`NO_COLOR`). Non-finite values draw `·`.
public struct Heatmap: Widget {
    /// Values by row, then column; ragged rows are allowed.
    public var values: [[Double]]
    /// Labels for rows (missing ones are blank).
    public var rowLabels: [String]
    /// Labels for columns, truncated to `cellWidth` (missing ones are blank).
    public var columnLabels: [String]
    /// Value range mapped onto the ramp; nil uses the finite min…max of `values`.
    public var range: ClosedRange<Double>?
    /// Palette indices from low to high.
    public var ramp: [UInt8]
    /// Columns per value (≥ 1).
    public var cellWidth: Int
    /// Style of the labels.
    public var labelStyle: Style
    /// Optional text per cell (by row, then column). When non-empty and cells are at least 3
    /// wide, each cell shows its shade glyph once, then its text right-aligned in the cell's
    /// colour if it fits in `cellWidth − 2` columns, then a blank separator column.
    public var cellTexts: [[String]] = []

    /// A dark-blue → green → yellow → red ramp of 256-colour indices.
    public static let defaultRamp: [UInt8] = [17, 18, 19, 20, 25, 31, 37, 43, 49, 84, 118, 154, 190, 226, 220, 214, 208, 202, 196]

    /// Creates a heatmap.
    public init(values: [[Double]], rowLabels: [String] = [], columnLabels: [String] = [],
                range: ClosedRange<Double>? = nil, ramp: [UInt8] = Heatmap.defaultRamp,
                cellWidth: Int = 2, labelStyle: Style = .plain) {
        self.values = values
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.range = range
        self.ramp = ramp
        self.cellWidth = cellWidth
        self.labelStyle = labelStyle
    }

    /// The ramp position (0 ..< ramp.count) for `value`, or nil for non-finite values or an empty ramp.
    public func rampIndex(for value: Double) -> Int? {
        guard !ramp.isEmpty, let t = fraction(for: value) else { return nil }
        return min(ramp.count - 1, Int(t * Double(ramp.count - 1) + 0.5))
    }

    /// Where `value` lies in `resolvedRange`, clamped to 0…1 (0.5 when the range is a single
    /// value); nil for non-finite values. Picks the shade glyph by quarter.
    public func fraction(for value: Double) -> Double? {
        guard value.isFinite else { return nil }
        let r = resolvedRange
        let span = r.upperBound - r.lowerBound
        let t = span > 0 ? (value - r.lowerBound) / span : 0.5
        return min(1, max(0, t))
    }

    /// The value range actually used.
    public var resolvedRange: ClosedRange<Double> {
        if let r = range, r.lowerBound.isFinite, r.upperBound.isFinite { return r }
        let finite = values.joined().filter { $0.isFinite }
        guard let lo = finite.min(), let hi = finite.max() else { return 0...1 }
        return lo...hi
    }

    /// Draws labels and cells into `area`.
    public func render(into buffer: inout CellBuffer, area: Rect) {
        let area = area.intersection(buffer.area)  // lay out in the visible part only
        guard !area.isEmpty else { return }
        let cw = min(max(1, cellWidth), Rect.limit)
        let labelW = min(rowLabels.map { DisplayWidth.of($0) }.max() ?? 0, area.width / 2)
        let gridX = area.x + labelW + (labelW > 0 ? 1 : 0)
        let hasHeader = !columnLabels.isEmpty
        let gridY = area.y + (hasHeader ? 1 : 0)
        let shades: [Character] = ["░", "▒", "▓", "█"]
        if hasHeader {
            for (j, label) in columnLabels.enumerated() {
                let x = gridX + j * cw
                guard x < area.maxX else { break }
                buffer.write(label, at: Position(x: x, y: area.y), style: labelStyle, maxWidth: min(cw, area.maxX - x))
            }
        }
        for (i, row) in values.enumerated() {
            let y = gridY + i
            guard y < area.maxY else { break }
            if labelW > 0, i < rowLabels.count {
                buffer.write(rowLabels[i], at: Position(x: area.x, y: y), style: labelStyle, maxWidth: labelW)
            }
            for (j, v) in row.enumerated() {
                let x0 = gridX + j * cw
                guard x0 < area.maxX else { break }
                let glyph: Character
                var style = Style.plain
                if let t = fraction(for: v) {
                    glyph = shades[min(3, Int(t * 4))]
                    if let k = rampIndex(for: v) { style.foreground = .indexed(ramp[k]) }
                } else {
                    glyph = "·"
                }
                if !cellTexts.isEmpty, cw >= 3, x0 + cw <= area.maxX {
                    // Text mode: the glyph once, then the text (if it fits) before a blank column.
                    let text = i < cellTexts.count && j < cellTexts[i].count ? cellTexts[i][j] : ""
                    let textWidth = DisplayWidth.of(text)
                    buffer.set(x: x0, y: y, glyph, style: style)
                    buffer.fill(Rect(x: x0 + 1, y: y, width: cw - 1, height: 1))
                    if textWidth > 0, textWidth <= cw - 2 {
                        buffer.write(text, at: Position(x: x0 + cw - 1 - textWidth, y: y), style: style)
                    }
                } else {
                    for x in x0..<min(x0 + cw, area.maxX) { buffer.set(x: x, y: y, glyph, style: style) }
                }
            }
        }
    }
}
