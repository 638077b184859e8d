/// A width × height grid of cells that widgets draw into each frame.
///
/// Every drawing call clips: coordinates outside the grid (negative included) are ignored,
/// so a widget given a 0×0 or off-screen area draws nothing instead of trapping.
/// Wide graphemes take two cells, the second a continuation; overwriting either half of a
/// wide grapheme blanks the other half so the grid never holds half a character.
public struct CellBuffer: Equatable, Sendable {
    /// Columns (≥ 0).
    public let width: Int
    /// Rows (≥ 0).
    public let height: Int
    /// Row-major cells, `width * height` of them.
    public private(set) var cells: [Cell]

    /// The largest width or height a buffer takes (65 536): far beyond any terminal, and
    /// small enough that `width * height` cannot overflow.
    public static let maxDimension = 1 << 16

    /// Creates a buffer of blank cells; negative sizes become 0, sizes above `maxDimension`
    /// are clamped to it.
    public init(width: Int, height: Int) {
        self.width = min(max(0, width), CellBuffer.maxDimension)
        self.height = min(max(0, height), CellBuffer.maxDimension)
        cells = [Cell](repeating: .blank, count: self.width * self.height)
    }

    /// The whole buffer as a rectangle at the origin.
    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// The cell at (`x`, `y`), or nil outside the buffer.
    public func cell(x: Int, y: Int) -> Cell? {
        guard x >= 0, y >= 0, x < width, y < height else { return nil }
        return cells[y * width + x]
    }

    /// Replaces one cell verbatim (no wide-character bookkeeping). Ignored outside the buffer.
    public mutating func setCell(x: Int, y: Int, _ cell: Cell) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        cells[y * width + x] = cell
    }

    /// Puts one grapheme at (`x`, `y`) and returns the columns it took (0 when clipped).
    ///
    /// A wide grapheme that does not fit before the right edge is drawn as a space instead;
    /// control characters draw as a space.
    @discardableResult
    public mutating func set(x: Int, y: Int, _ character: Character, style: Style = .plain) -> Int {
        guard x >= 0, y >= 0, x < width, y < height else { return 0 }
        var ch = character
        var w = DisplayWidth.of(ch)
        if w == 0 { ch = " "; w = 1 }
        if w == 2 && x + 1 >= width { ch = " "; w = 1 }
        breakWide(x: x, y: y)
        if w == 2 { breakWide(x: x + 1, y: y) }
        cells[y * width + x] = Cell(ch, style: style)
        if w == 2 { cells[y * width + x + 1] = .continuation(style) }
        return w
    }

    /// Writes `string` from `position` rightwards on one row and returns the columns it
    /// advanced, at most `maxWidth` (when given) and never past the right edge.
    ///
    /// Columns left of 0 still count as advanced (so `x + result` is where following text
    /// goes); a wide grapheme cut by the left edge or by the limit is not drawn in half:
    /// the visible half becomes a space at the left edge, and writing stops at the limit.
    @discardableResult
    public mutating func write(_ string: String, at position: Position, style: Style = .plain,
                               maxWidth: Int? = nil) -> Int {
        let y = position.y
        guard y >= 0, y < height, position.x < width else { return 0 }
        let (room, overflow) = width.subtractingReportingOverflow(position.x)
        var limit = overflow ? Int.max : room
        if let m = maxWidth { limit = min(limit, m) }
        guard limit > 0 else { return 0 }
        var used = 0
        for ch in string {
            let w = DisplayWidth.of(ch)
            if w == 0 { continue }
            if used + w > limit { break }
            let x = position.x + used
            if x >= 0 {
                set(x: x, y: y, ch, style: style)
            } else if x + w > 0 {
                set(x: 0, y: y, " ", style: style)
            }
            used += w
        }
        return used
    }

    /// Fills the part of `rect` inside the buffer with `character` (default space) in `style`.
    public mutating func fill(_ rect: Rect, with character: Character = " ", style: Style = .plain) {
        let r = rect.intersection(area)
        guard !r.isEmpty else { return }
        let w = max(1, DisplayWidth.of(character))
        for y in r.y..<r.maxY {
            var x = r.x
            while x < r.maxX {
                if w == 2 && x + 1 >= r.maxX {
                    set(x: x, y: y, " ", style: style)
                } else {
                    set(x: x, y: y, character, style: style)
                }
                x += w
            }
        }
    }

    /// Changes the style (keeping the characters) of every cell of `rect` inside the buffer:
    /// used for highlights such as a table's selected row.
    public mutating func setStyle(_ style: Style, in rect: Rect) {
        let r = rect.intersection(area)
        guard !r.isEmpty else { return }
        for y in r.y..<r.maxY {
            for x in r.x..<r.maxX { cells[y * width + x].style = style }
        }
    }

    /// Resets every cell to blank.
    public mutating func clear() {
        for i in cells.indices { cells[i] = .blank }
    }

    /// The text of each row with continuation cells skipped and trailing spaces trimmed:
    /// what tests compare against expected screens.
    public func lines() -> [String] {
        (0..<height).map { y in
            var s = ""
            for x in 0..<width {
                let c = cells[y * width + x]
                if !c.isContinuation { s.append(c.character) }
            }
            while s.last == " " { s.removeLast() }
            return s
        }
    }

    /// If (`x`, `y`) holds half of a wide grapheme, blanks the other half.
    private mutating func breakWide(x: Int, y: Int) {
        guard x >= 0, x < width else { return }
        let i = y * width + x
        if cells[i].isContinuation {
            if x > 0 { cells[i - 1] = Cell(" ", style: cells[i - 1].style) }
            cells[i] = Cell(" ", style: cells[i].style)
        } else if x + 1 < width, cells[i + 1].isContinuation {
            cells[i + 1] = Cell(" ", style: cells[i + 1].style)
        }
    }
}
