import XCTest
import TerminalUI

/// Every widget must render into 0×0, 1×1 and 2×2 buffers and into areas that stick out of
/// (or lie wholly outside) the buffer without trapping, and must not draw outside the buffer.
final class TinyAreaTests: XCTestCase {
    private var widgets: [(String, Widget)] {
        var canvas = BrailleCanvas(width: 3, height: 3)
        canvas.drawLine(fromX: 0, y0: 0, toX: 5, y1: 11)
        let series = [ChartSeries(name: "a", values: [100, 10, 1, 0.1], style: Style(foreground: .green)),
                      ChartSeries(name: "b", points: [])]
        let markers = [ChartMarker(x: 2, label: "rank"), ChartMarker(x: 3, label: "99%")]
        return [
            ("canvas", canvas),
            ("block", Block(title: "中title")),
            ("chart", LineChart(series: series, markers: markers)),
            ("logchart", LineChart(series: series, markers: markers, logY: true)),
            ("emptychart", LineChart(series: [])),
            ("gauge", Gauge(ratio: 0.7)),
            ("widegauge", Gauge(ratio: 0.7, label: "中文中文")),
            ("bars", BarChart(items: [BarChartItem(label: "中q", value: 3), BarChartItem(label: "k", value: .nan)])),
            ("emptybars", BarChart(items: [])),
            ("heatmap", Heatmap(values: [[1, 2, 3], [], [.infinity]], rowLabels: ["a"], columnLabels: ["x", "y", "z", "w"])),
            ("emptyheatmap", Heatmap(values: [], ramp: [])),
            ("table", Table(columns: [TableColumn("中", width: .fraction(0.5)), TableColumn("b", width: .remainder)],
                            rows: [["1", "2"], ["3"]], selected: 5, offset: -3)),
            ("emptytable", Table(columns: [], rows: [], selected: 0)),
            ("extremechart", LineChart(series: [ChartSeries(name: "x", points: [(-.greatestFiniteMagnitude, .greatestFiniteMagnitude),
                                                                                (.greatestFiniteMagnitude, -.greatestFiniteMagnitude),
                                                                                (0, .leastNonzeroMagnitude)])],
                                       markers: [ChartMarker(x: 0, label: "m")])),
            ("extremelog", LineChart(series: [ChartSeries(name: "x", values: [.greatestFiniteMagnitude, .leastNonzeroMagnitude])],
                                     markers: [ChartMarker(x: .nan, label: "m")], logY: true)),
            ("widecells", Heatmap(values: [[1, 2]], columnLabels: ["a", "b"], cellWidth: .max)),
            ("widespacing", Table(columns: [TableColumn("a", width: .fixed(.max)), TableColumn("b", width: .fraction(.infinity))],
                                  rows: [["1", "2"]], selected: .min, offset: .max, columnSpacing: .max)),
        ]
    }

    func testAllWidgetsSurviveTinyAndOffscreenAreas() {
        for size in 0...2 {
            let areas = [
                Rect(x: 0, y: 0, width: size, height: size),
                Rect(x: -5, y: -5, width: 6, height: 6),
                Rect(x: size, y: size, width: 3, height: 3),
                Rect(x: -1, y: 0, width: 1, height: 1),
                Rect(x: Int.min / 4, y: Int.max / 4, width: 2, height: 2),
                Rect(x: Int.min, y: Int.min, width: Int.max, height: Int.max),
                Rect(x: 0, y: 0, width: Int.max, height: Int.max),
            ]
            for (name, widget) in widgets {
                for area in areas {
                    var b = CellBuffer(width: size, height: size)
                    widget.render(into: &b, area: area)
                    XCTAssertEqual(b.cells.count, size * size, "\(name) \(area)")
                    XCTAssertEqual(b.lines().count, size, "\(name) \(area)")
                }
            }
        }
    }

    func testWidgetsDrawSomethingWhenThereIsRoom() {
        // Empty widgets, and a table whose spacing leaves no room for columns, draw nothing visible.
        for (name, widget) in widgets where !name.hasPrefix("empty") && name != "widespacing" {
            var b = CellBuffer(width: 20, height: 8)
            widget.render(into: &b, area: b.area)
            XCTAssertTrue(b.lines().contains { !$0.isEmpty }, name)
        }
    }
}
