import Foundation
import TerminalUI
import XCTest

/// A 70B layer's spectrum has 8192 values on a chart a few dozen cells wide: the chart joins the
/// points that share a pixel column as one vertical span (what keeps a frame in milliseconds).
/// The picture must be the one drawing every segment gives.
final class LineChartDenseSeriesTests: XCTestCase {
    func testDenseSeriesDrawsTheSamePixelsAsEverySegment() {
        let values = (1...8192).map { pow(Double($0), -0.6) + 0.01 * sin(Double($0)) * pow(Double($0), -0.6) }
        let chart = LineChart(series: [ChartSeries(name: "σ", values: values)], logY: true, xRange: 1...8192)
        let area = Rect(x: 0, y: 0, width: 40, height: 12)
        var drawn = CellBuffer(width: 40, height: 12)
        chart.render(into: &drawn, area: area)

        // The reference: every consecutive pair joined, with the chart's own mapping written out.
        let plot = chart.plotArea(in: area)
        var canvas = BrailleCanvas(width: plot.width, height: plot.height)
        let pw = Double(canvas.pixelWidth - 1), ph = Double(canvas.pixelHeight - 1)
        let y = chart.resolvedYRange
        let lo = log10(y.lowerBound), hi = log10(y.upperBound)
        let pixels = values.enumerated().map { i, v in
            (Double(i) / 8191 * pw, (1 - (log10(v) - lo) / (hi - lo)) * ph)
        }
        canvas.drawLine(fromX: pixels[0].0, y0: pixels[0].1, toX: pixels[0].0, y1: pixels[0].1)
        for i in 1..<pixels.count {
            canvas.drawLine(fromX: pixels[i - 1].0, y0: pixels[i - 1].1, toX: pixels[i].0, y1: pixels[i].1)
        }
        var reference = CellBuffer(width: 40, height: 12)
        canvas.render(into: &reference, area: plot)
        for row in plot.y..<plot.maxY {
            for column in plot.x..<plot.maxX {
                XCTAssertEqual(drawn.cell(x: column, y: row)?.character, reference.cell(x: column, y: row)?.character,
                               "cell \(column),\(row)")
            }
        }
        XCTAssertTrue(drawn.lines().joined().unicodeScalars.contains { $0.value > 0x2800 && $0.value <= 0x28FF }, "a line is drawn")
    }
}
