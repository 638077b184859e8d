import XCTest
@testable import Explorer
import TerminalUI

final class PaneOverlayTests: XCTestCase {
    typealias T = PaneTestSupport
    let spectra = [OverlayPane.Line(name: "A", singularValues: [8, 4, 2, 1]),
                   OverlayPane.Line(name: "B", singularValues: [1, 0.5, 0.25, 0.125])]

    func render(_ lines: [OverlayPane.Line], normalized: Bool, width: Int = 80, height: Int = 24) -> CellBuffer {
        var b = CellBuffer(width: width, height: height)
        OverlayPane(title: "o_proj across depth", spectra: lines, normalized: normalized).render(into: &b, area: b.area)
        return b
    }

    /// The first plot cell (right of the y axis) on `row`.
    func plotCell(_ b: CellBuffer, row: Int) -> Cell? {
        let axisX = T.rows(containing: "└", in: b).first { $0.y < b.height - 1 }!.x
        return b.cell(x: axisX + 1, y: row)
    }

    func testRawValuesPutTheLargerSpectrumOnTop() {
        let b = render(spectra, normalized: false)
        let styles = PaneStyles.standard
        XCTAssertEqual(b.lines()[1], "│━ A  ━ B  (σᵢ, log)" + String(repeating: " ", count: 59) + "│")
        XCTAssertEqual(b.cell(x: 1, y: 1)?.style, styles.series[0])
        XCTAssertEqual(b.cell(x: 6, y: 1)?.style, styles.series[1])
        // y runs from B's smallest (0.125) to A's largest (8): A starts in the top plot row.
        XCTAssertTrue(b.lines()[2].hasPrefix("│    8│"), T.screen(b))
        XCTAssertTrue(b.lines()[2 + 18].hasPrefix("│0.125│"), T.screen(b))  // 19 plot rows under one legend row
        XCTAssertEqual(plotCell(b, row: 2)?.style, styles.series[0])
    }

    func testNormalizedSpectraStartAtOneAndCoincide() {
        let b = render(spectra, normalized: true)
        XCTAssertTrue(b.lines()[1].contains("(σᵢ/σ₁, log)"))
        XCTAssertTrue(b.lines()[2].hasPrefix("│    1│"), T.screen(b))
        XCTAssertTrue(b.lines()[20].hasPrefix("│0.125│"), T.screen(b))
        // A/8 equals B exactly, so B (drawn last) covers A everywhere.
        XCTAssertEqual(plotCell(b, row: 2)?.style, PaneStyles.standard.series[1])
        XCTAssertEqual(OverlayPane(title: "", spectra: spectra, normalized: true).plotted(0), [1, 0.5, 0.25, 0.125])
        XCTAssertEqual(OverlayPane(title: "", spectra: [.init(name: "zero", singularValues: [0, 0])], normalized: true).plotted(0), [])
    }

    func testManyLayersCycleStylesAndWrapTheLegend() {
        let many = (0..<12).map { OverlayPane.Line(name: "block \($0)", singularValues: [Double($0 + 1), 1]) }
        let pane = OverlayPane(title: "", spectra: many)
        let count = PaneStyles.standard.series.count
        XCTAssertEqual(pane.style(of: 11), PaneStyles.standard.series[11 % count])
        for (w, h) in [(80, 24), (120, 40), (36, 22)] {
            let b = render(many, normalized: false, width: w, height: h)
            let text = b.lines().joined(separator: "\n")
            for line in many { XCTAssertTrue(text.contains("━ " + line.name), "\(line.name) at \(w)×\(h)" + T.screen(b)) }
        }
    }

    func testTinyAndEmpty() {
        XCTAssertTrue(render([], normalized: false, width: 40, height: 5).lines()[1].contains("no spectra to compare"))
        let b = render(spectra, normalized: false, width: 20, height: 5)
        XCTAssertTrue(T.rows(containing: "└", in: b).allSatisfy { $0.y == 4 }, "legend only" + T.screen(b))
    }
}

extension PaneOverlayTests {
    func testAcrossDepthPicksTheRoleEvenlySpaced() {
        func cell(_ block: Int, _ role: String, known: Bool = true) -> HeatmapPane.Cell {
            HeatmapPane.Cell(block: block, role: role,
                             spectrum: known ? T.geometric(count: 4, rows: 4, ratio: 1 / Double(block + 2)) : nil)
        }
        var cells = (0..<32).reversed().map { cell($0, "up") } + (0..<32).map { cell($0, "down") }
        cells.append(cell(40, "up", known: false))
        let few = OverlayPane.acrossDepth(role: "up", cells: Array(cells.suffix(41)), limit: 8)  // blocks 7…0 of up, the downs, an unknown up
        XCTAssertEqual(few.map(\.name), (0...7).map { "block \($0)" })
        // 32 blocks, 8 lines: block round(i·31/7) for i = 0…7 = 0, 4, 9, 13, 18, 22, 27, 31.
        let spaced = OverlayPane.acrossDepth(role: "up", cells: cells, limit: 8)
        XCTAssertEqual(spaced.map(\.name), [0, 4, 9, 13, 18, 22, 27, 31].map { "block \($0)" })
        XCTAssertEqual(spaced[1].singularValues, T.geometric(count: 4, rows: 4, ratio: 1.0 / 6).singularValues)
        XCTAssertEqual(OverlayPane.acrossDepth(role: "gate", cells: cells), [])
    }
}
