import Foundation
import Planning
import TerminalUI

/// Spectra, independent reference figures and screen probes shared by the pane tests.
enum PaneTestSupport {
    /// σᵢ = ratio^(i−1), i = 1…count, of a rows×count matrix.
    static func geometric(count: Int, rows: Int, ratio: Double, name: String = "w") -> Spectrum {
        Spectrum(tensorName: name, rows: rows, columns: count,
                 singularValues: (0..<count).map { pow(ratio, Double($0)) })
    }

    /// The smallest k with Σ_{i≤k} σᵢ² ≥ fraction · Σ σᵢ², by a plain running sum.
    static func energyRank(_ values: [Double], _ fraction: Double) -> Int {
        let total = values.reduce(0) { $0 + $1 * $1 }
        var sum = 0.0
        for (i, v) in values.enumerated() {
            sum += v * v
            if sum >= fraction * total { return i + 1 }
        }
        return values.count
    }

    /// The cell column of data x on a braille plot starting at `plotX`, `plotWidth` cells wide,
    /// over `range`: two pixels per cell, pixel = (x − lo)/(hi − lo)·(2·width − 1) rounded.
    static func column(of x: Double, range: ClosedRange<Double>, plotX: Int, plotWidth: Int) -> Int {
        let pixel = ((x - range.lowerBound) / (range.upperBound - range.lowerBound) * Double(2 * plotWidth - 1)).rounded()
        return plotX + Int(pixel) / 2
    }

    /// Rows (top first) whose text contains `glyph`, with its column (all glyphs here are one cell wide).
    static func rows(containing glyph: Character, in buffer: CellBuffer) -> [(y: Int, x: Int)] {
        buffer.lines().enumerated().compactMap { y, line in
            line.firstIndex(of: glyph).map { (y: y, x: line.distance(from: line.startIndex, to: $0)) }
        }
    }

    /// True when some cell of column `x` between rows `y0..<y1` has `style`.
    static func column(_ x: Int, rows y0: Int, _ y1: Int, in buffer: CellBuffer, hasStyle style: Style) -> Bool {
        (y0..<y1).contains { buffer.cell(x: x, y: $0)?.style == style }
    }

    /// The buffer's rows, for failure messages.
    static func screen(_ buffer: CellBuffer) -> String {
        "\n" + buffer.lines().map { "|\($0)|" }.joined(separator: "\n")
    }

    /// `String(format: "%.2f%%", fraction · 100)`.
    static func percent(_ fraction: Double) -> String { String(format: "%.2f%%", fraction * 100) }
}
