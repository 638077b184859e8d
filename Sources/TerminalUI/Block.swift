/// A box-drawing border (`┌─┐│└┘`) with an optional title in the top edge: the frame most
/// panels sit in. Draw the block, then draw the content into `inner(_:)`.
///
/// Areas narrower or shorter than 2 cells get no border (the content keeps the whole area).
public struct Block: Widget {
    /// Text in the top border, after `┌─`; truncated to fit.
    public var title: String?
    /// Style of the border lines.
    public var borderStyle: Style
    /// Style of the title.
    public var titleStyle: Style

    /// Creates a block.
    public init(title: String? = nil, borderStyle: Style = .plain, titleStyle: Style = Style(bold: true)) {
        self.title = title
        self.borderStyle = borderStyle
        self.titleStyle = titleStyle
    }

    /// The area inside the border (the whole area when it is too small for one).
    public func inner(_ area: Rect) -> Rect {
        area.width >= 2 && area.height >= 2 ? area.inset(by: 1) : area
    }

    /// Draws the border and title into `area`.
    public func render(into buffer: inout CellBuffer, area: Rect) {
        guard area.width >= 2, area.height >= 2 else { return }
        let x0 = area.x, x1 = area.maxX - 1, y0 = area.y, y1 = area.maxY - 1
        // Only walk the visible part of long edges.
        let visible = area.intersection(buffer.area)
        if !visible.isEmpty {
            for x in visible.x..<visible.maxX where x > x0 && x < x1 {
                buffer.set(x: x, y: y0, "─", style: borderStyle)
                buffer.set(x: x, y: y1, "─", style: borderStyle)
            }
            for y in visible.y..<visible.maxY where y > y0 && y < y1 {
                buffer.set(x: x0, y: y, "│", style: borderStyle)
                buffer.set(x: x1, y: y, "│", style: borderStyle)
            }
        }
        buffer.set(x: x0, y: y0, "┌", style: borderStyle)
        buffer.set(x: x1, y: y0, "┐", style: borderStyle)
        buffer.set(x: x0, y: y1, "└", style: borderStyle)
        buffer.set(x: x1, y: y1, "┘", style: borderStyle)
        if let t = title, !t.isEmpty, area.width > 4 {
            buffer.write(t, at: Position(x: x0 + 2, y: y0), style: titleStyle, maxWidth: area.width - 4)
        }
    }
}
