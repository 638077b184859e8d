/// Eighth-block glyphs shared by `Gauge` and `BarChart`.
enum BlockGlyphs {
    /// Left-aligned partial blocks for 1…7 eighths of a cell.
    static let leftEighths: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    /// Draws a horizontal bar of `eighths` eighth-cells from (`x`, `y`), at most `width` cells.
    static func drawBar(into buffer: inout CellBuffer, x: Int, y: Int, width: Int, eighths: Int, style: Style) {
        guard width > 0 else { return }
        let e = min(max(0, eighths), width * 8)
        let full = e / 8, part = e % 8
        for i in 0..<full { buffer.set(x: x + i, y: y, "█", style: style) }
        if part > 0 && full < width { buffer.set(x: x + full, y: y, leftEighths[part - 1], style: style) }
    }

    /// Eighth-cells for `fraction` (clamped to 0…1, NaN = 0) of `width` cells, rounded.
    static func eighths(fraction: Double, width: Int) -> Int {
        guard fraction.isFinite, width > 0 else { return 0 }
        let f = min(1, max(0, fraction))
        return Int((f * Double(width * 8)).rounded())
    }
}
