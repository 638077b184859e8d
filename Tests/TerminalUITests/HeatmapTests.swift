import XCTest
import TerminalUI

final class HeatmapTests: XCTestCase {
    func testShadesColoursAndLabels() {
        let h = Heatmap(values: [[0, 1], [0.5, .nan]], rowLabels: ["r0", "r1"], columnLabels: ["A", "B"])
        var b = CellBuffer(width: 10, height: 3)
        h.render(into: &b, area: b.area)
        assertBufferLines(b, [
            "   A B",
            "r0 ░░██",
            "r1 ▓▓··",
        ])
        XCTAssertEqual(b.cell(x: 3, y: 1)?.style.foreground, .indexed(Heatmap.defaultRamp.first!))
        XCTAssertEqual(b.cell(x: 5, y: 1)?.style.foreground, .indexed(Heatmap.defaultRamp.last!))
        XCTAssertEqual(h.rampIndex(for: 0.5), Heatmap.defaultRamp.count / 2)
        XCTAssertNil(h.rampIndex(for: .nan))
    }

    func testFixedRangeClampsAndGridClips() {
        let h = Heatmap(values: [[-5, 5, 100, 100, 100]], range: 0...1, ramp: [1, 2], cellWidth: 1)
        var b = CellBuffer(width: 3, height: 1)
        h.render(into: &b, area: b.area)
        assertBufferLines(b, ["░██"])
        XCTAssertEqual(b.cell(x: 1, y: 0)?.style.foreground, .indexed(2))
    }
}
