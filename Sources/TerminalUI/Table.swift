/// Rows of text in aligned columns under a header, with a highlighted selected row that is
/// kept visible by scrolling.
///
/// Immediate mode keeps the scroll position with the caller: pass the previous `offset` in,
/// and store `visibleOffset(height:)` (which `render` also uses) back for the next frame.
/// Text longer than its column is truncated; cells are separated by `columnSpacing` spaces.
public struct Table: Widget {
    /// The columns, left to right.
    public var columns: [TableColumn]
    /// Cell texts by row; missing cells are blank, extra cells ignored.
    public var rows: [[String]]
    /// Index of the highlighted row, if any (out-of-range values are clamped).
    public var selected: Int?
    /// Index of the first body row shown, as of the previous frame.
    public var offset: Int
    /// Blank columns between neighbouring columns.
    public var columnSpacing: Int
    /// Style of the header row.
    public var headerStyle: Style
    /// Style of ordinary rows.
    public var rowStyle: Style
    /// Style of the whole selected row.
    public var selectedStyle: Style

    /// Creates a table.
    public init(columns: [TableColumn], rows: [[String]], selected: Int? = nil, offset: Int = 0,
                columnSpacing: Int = 1, headerStyle: Style = Style(bold: true), rowStyle: Style = .plain,
                selectedStyle: Style = Style(reverse: true)) {
        self.columns = columns
        self.rows = rows
        self.selected = selected
        self.offset = offset
        self.columnSpacing = columnSpacing
        self.headerStyle = headerStyle
        self.rowStyle = rowStyle
        self.selectedStyle = selectedStyle
    }

    /// The scroll offset that keeps `selected` within `visibleRows` rows while moving as
    /// little as possible from `offset`, and never scrolls past the last row.
    public static func scrollOffset(selected: Int?, offset: Int, visibleRows: Int, rowCount: Int) -> Int {
        guard visibleRows > 0, rowCount > 0 else { return 0 }
        var o = min(max(0, offset), max(0, rowCount - visibleRows))
        if let s = selected.map({ min(max(0, $0), rowCount - 1) }) {
            if s < o { o = s }
            if s >= o + visibleRows { o = s - visibleRows + 1 }
        }
        return o
    }

    /// The offset `render` uses for an area `height` rows tall (one row is the header).
    public func visibleOffset(height: Int) -> Int {
        Table.scrollOffset(selected: selected, offset: offset, visibleRows: height > 0 ? height - 1 : 0, rowCount: rows.count)
    }

    /// Draws header and visible rows into `area`.
    public func render(into buffer: inout CellBuffer, area: Rect) {
        let area = area.intersection(buffer.area)  // lay out in the visible part only
        guard !area.isEmpty, !columns.isEmpty else { return }
        let rects = Rect(x: area.x, y: area.y, width: area.width, height: 1)
            .columns(columns.map(\.width), spacing: columnSpacing)
        func drawRow(_ texts: [String], y: Int, style: Style) {
            for (j, col) in columns.enumerated() {
                let r = rects[j]
                guard r.width > 0 else { continue }
                let text = j < texts.count ? texts[j] : ""
                let w = min(DisplayWidth.of(text), r.width)
                let x = r.x + col.alignment.offset(textWidth: w, in: r.width)
                buffer.write(text, at: Position(x: x, y: y), style: style, maxWidth: r.maxX - x)
            }
        }
        buffer.fill(Rect(x: area.x, y: area.y, width: area.width, height: 1), style: headerStyle)
        drawRow(columns.map(\.title), y: area.y, style: headerStyle)
        let start = visibleOffset(height: area.height)
        let sel = selected.map { min(max(0, $0), rows.count - 1) }
        for i in 0..<(area.height - 1) {
            let index = start + i
            guard index < rows.count else { break }
            let y = area.y + 1 + i
            let style = index == sel ? selectedStyle : rowStyle
            if index == sel { buffer.fill(Rect(x: area.x, y: y, width: area.width, height: 1), style: style) }
            drawRow(rows[index], y: y, style: style)
        }
    }
}
