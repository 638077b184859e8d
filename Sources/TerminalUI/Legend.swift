/// Entries flowed left to right into as many rows as the width needs, `spacing` columns apart
/// (two by default), never splitting an entry: chart legends, lines of key figures, and
/// word-wrapped sentences (one word per entry, spacing 1).
///
/// An entry wider than the area starts its own row and is truncated there.
public struct Legend: Widget {
    /// The entries in reading order.
    public var items: [LegendItem]
    /// Style of entry texts that do not use their own style.
    public var textStyle: Style
    /// Columns between entries on a row.
    public var spacing: Int

    /// Creates a legend.
    public init(items: [LegendItem], textStyle: Style = .plain, spacing: Int = 2) {
        self.items = items
        self.textStyle = textStyle
        self.spacing = max(0, spacing)
    }

    /// A sentence wrapped at spaces: one entry per word, one column apart.
    public init(wrapping text: String, style: Style = .plain) {
        self.init(items: text.split(separator: " ").map { LegendItem(text: String($0)) }, textStyle: style, spacing: 1)
    }

    /// The entries on each row for an area `width` columns wide (indices into `items`).
    public func rows(width: Int) -> [[Int]] {
        guard width > 0 else { return [] }
        var rows: [[Int]] = []
        var current: [Int] = []
        var used = 0
        for (i, item) in items.enumerated() {
            let w = item.width
            if !current.isEmpty, used + spacing + w > width {
                rows.append(current)
                current = []
                used = 0
            }
            used += (current.isEmpty ? 0 : spacing) + w
            current.append(i)
        }
        if !current.isEmpty { rows.append(current) }
        return rows
    }

    /// Rows needed at `width`.
    public func height(width: Int) -> Int { rows(width: width).count }

    /// Draws as many rows as fit into `area`.
    public func render(into buffer: inout CellBuffer, area: Rect) {
        for (r, row) in rows(width: area.width).enumerated() where r < area.height {
            let y = area.y + r
            var x = area.x
            for (n, i) in row.enumerated() {
                if n > 0 { x += spacing }
                let item = items[i]
                if !item.swatch.isEmpty {
                    x += buffer.write(item.swatch, at: Position(x: x, y: y), style: item.style, maxWidth: max(0, area.maxX - x))
                    if !item.text.isEmpty { x += 1 }
                }
                x += buffer.write(item.text, at: Position(x: x, y: y), style: item.styleText ? item.style : textStyle,
                                  maxWidth: max(0, area.maxX - x))
            }
        }
    }
}
