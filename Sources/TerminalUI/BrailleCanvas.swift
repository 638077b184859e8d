/// A drawing surface of braille dots: each cell shows 2 × 4 dots (U+2800–U+28FF), so a
/// `w × h`-cell canvas has `2w × 4h` virtual pixels, origin top-left.
///
/// Dot numbering follows Unicode: dot *n* is bit *n − 1* of the offset from U+2800; the left
/// column holds dots 1, 2, 3, 7 (top to bottom), the right column dots 4, 5, 6, 8.
/// Pixels outside the canvas are ignored. Each cell takes the style of the last dot set in it.
public struct BrailleCanvas: Widget {
    /// Width in cells.
    public let width: Int
    /// Height in cells.
    public let height: Int
    private var bits: [UInt8]
    private var styles: [Style]

    /// Creates an empty canvas of `width × height` cells (negative sizes become 0, sizes
    /// above `CellBuffer.maxDimension` are clamped to it).
    public init(width: Int, height: Int) {
        self.width = min(max(0, width), CellBuffer.maxDimension)
        self.height = min(max(0, height), CellBuffer.maxDimension)
        bits = [UInt8](repeating: 0, count: self.width * self.height)
        styles = [Style](repeating: .plain, count: self.width * self.height)
    }

    /// Virtual pixels across (2 per cell).
    public var pixelWidth: Int { width * 2 }
    /// Virtual pixels down (4 per cell).
    public var pixelHeight: Int { height * 4 }

    /// The bit for the dot at `column` (0 left, 1 right) and `row` (0…3, top to bottom)
    /// within one cell, per the Unicode braille definition; 0 for positions outside a cell.
    public static func dotBit(column: Int, row: Int) -> UInt8 {
        guard (0...1).contains(column), (0...3).contains(row) else { return 0 }
        let left: [UInt8] = [0x01, 0x02, 0x04, 0x40]   // dots 1, 2, 3, 7
        let right: [UInt8] = [0x08, 0x10, 0x20, 0x80]  // dots 4, 5, 6, 8
        return column == 0 ? left[row] : right[row]
    }

    /// The braille character whose dots are the set bits of `bits`.
    public static func character(bits: UInt8) -> Character {
        Character(Unicode.Scalar(0x2800 + UInt32(bits))!)
    }

    /// Sets the dot at pixel (`x`, `y`); ignored outside the canvas.
    public mutating func setDot(x: Int, y: Int, style: Style = .plain) {
        guard x >= 0, y >= 0, x < pixelWidth, y < pixelHeight else { return }
        let i = (y / 4) * width + x / 2
        bits[i] |= BrailleCanvas.dotBit(column: x % 2, row: y % 4)
        styles[i] = style
    }

    /// True when the dot at pixel (`x`, `y`) is set (false outside the canvas).
    public func isDotSet(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < pixelWidth, y < pixelHeight else { return false }
        return bits[(y / 4) * width + x / 2] & BrailleCanvas.dotBit(column: x % 2, row: y % 4) != 0
    }

    /// The dot bits of cell (`x`, `y`) (0 outside the canvas).
    public func cellBits(x: Int, y: Int) -> UInt8 {
        guard x >= 0, y >= 0, x < width, y < height else { return 0 }
        return bits[y * width + x]
    }

    /// Draws a straight line between two pixel positions (Bresenham), clipped to the canvas.
    /// Non-finite coordinates draw nothing.
    public mutating func drawLine(fromX x0: Double, y0: Double, toX x1: Double, y1: Double,
                                  style: Style = .plain) {
        guard x0.isFinite, y0.isFinite, x1.isFinite, y1.isFinite, pixelWidth > 0, pixelHeight > 0 else { return }
        // Keep differences finite; beyond ±1e15 pixels the line is approximated by clamping.
        let x0 = min(max(x0, -1e15), 1e15), y0 = min(max(y0, -1e15), 1e15)
        let x1 = min(max(x1, -1e15), 1e15), y1 = min(max(y1, -1e15), 1e15)
        // Liang–Barsky clip to the canvas (with a half-pixel margin) so huge coordinates cost nothing.
        var t0 = 0.0, t1 = 1.0
        let dx = x1 - x0, dy = y1 - y0
        let checks: [(Double, Double)] = [
            (-dx, x0 + 0.5), (dx, Double(pixelWidth) - 0.5 - x0),
            (-dy, y0 + 0.5), (dy, Double(pixelHeight) - 0.5 - y0),
        ]
        for (p, q) in checks {
            if p == 0 {
                if q < 0 { return }
            } else {
                let r = q / p
                if p < 0 { if r > t1 { return }; t0 = max(t0, r) } else { if r < t0 { return }; t1 = min(t1, r) }
            }
        }
        var ax = Int((x0 + t0 * dx).rounded()), ay = Int((y0 + t0 * dy).rounded())
        let bx = Int((x0 + t1 * dx).rounded()), by = Int((y0 + t1 * dy).rounded())
        let sx = ax < bx ? 1 : -1, sy = ay < by ? 1 : -1
        let ddx = abs(bx - ax), ddy = -abs(by - ay)
        var err = ddx + ddy
        while true {
            setDot(x: ax, y: ay, style: style)
            if ax == bx && ay == by { break }
            let e2 = 2 * err
            if e2 >= ddy { err += ddy; ax += sx }
            if e2 <= ddx { err += ddx; ay += sy }
        }
    }

    /// Draws the cells that have at least one dot, top-left at `area`'s origin, clipped to
    /// `area`; empty cells are left untouched so axes and markers underneath stay visible.
    public func render(into buffer: inout CellBuffer, area: Rect) {
        let w = min(width, area.width), h = min(height, area.height)
        guard w > 0, h > 0 else { return }
        for y in 0..<h {
            for x in 0..<w where bits[y * width + x] != 0 {
                buffer.set(x: area.x + x, y: area.y + y,
                           BrailleCanvas.character(bits: bits[y * width + x]), style: styles[y * width + x])
            }
        }
    }
}
