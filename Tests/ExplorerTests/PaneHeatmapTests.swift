import XCTest
@testable import Explorer
import Planning
import TerminalUI

/// A cell whose matrix has singular values `values`.
private func cell(_ block: Int, _ role: String, _ values: [Double]) -> HeatmapPane.Cell {
    HeatmapPane.Cell(block: block, role: role,
                     spectrum: Spectrum(tensorName: "\(block).\(role)", rows: values.count, columns: values.count, singularValues: values))
}

final class PaneHeatmapTests: XCTestCase {
    typealias T = PaneTestSupport
    // Energy ranks by hand: [3,0,0,0] keeps everything at k = 1 (1/4); [1,1,1,1] needs all 4
    // for 90% (3.6 of 4); [2,1,1,1,1,1,1,1] has E = 11, 90% = 9.9, reached at k = 7 (4+6 = 10): 7/8.
    let cells = [
        cell(0, "q", [3, 0, 0, 0]),
        cell(0, "up", [1, 1, 1, 1]),
        HeatmapPane.Cell(block: 1, role: "q", spectrum: nil),
        cell(1, "up", [2, 1, 1, 1, 1, 1, 1, 1]),
    ]

    func render(_ cells: [HeatmapPane.Cell], energy: Double = 0.9, width: Int = 80, height: Int = 24) -> CellBuffer {
        var b = CellBuffer(width: width, height: height)
        HeatmapPane(cells: cells, energy: energy).render(into: &b, area: b.area)
        return b
    }

    func testFractionsAndNumberedCells() {
        let pane = HeatmapPane(cells: cells, energy: 0.9)
        XCTAssertEqual(pane.roles, ["q", "up"])
        XCTAssertEqual(pane.blocks, [0, 1])
        let grid = pane.fractions
        XCTAssertEqual(grid[0][0], 0.25)
        XCTAssertTrue(grid[0][1].isNaN)
        XCTAssertEqual(grid[1], [1, 0.875])
        let b = render(cells)
        let lines = b.lines()
        XCTAssertTrue(lines[1].hasPrefix("│rank for 90% energy ÷ full rank  rows: role  columns: block"), T.screen(b))
        // Role labels 2 wide + 1 space: cells of 5 from column 4; shade by quarter of 0…1
        // (0.25 → ▒, 1 and 0.875 → █), the percentage right-aligned before a blank column.
        XCTAssertEqual(lines[2], "│   0    1" + String(repeating: " ", count: 69) + "│")
        XCTAssertTrue(lines[3].hasPrefix("│q  ▒ 25 · "), T.screen(b))
        XCTAssertTrue(lines[4].hasPrefix("│up █100 █ 88 "), T.screen(b))
        XCTAssertTrue(lines[6].hasPrefix("│0% ░░░▒▒▒▓▓▓███ 100% of full rank  · unknown"), T.screen(b))
        let ramp = PaneStyles.standard.heatRamp
        XCTAssertEqual(b.cell(x: 4, y: 3)?.style.foreground, .indexed(ramp[Int(0.25 * Double(ramp.count - 1) + 0.5)]))
        XCTAssertEqual(b.cell(x: 4, y: 4)?.style.foreground, .indexed(ramp.last!))
        XCTAssertEqual(b.cell(x: 9, y: 4)?.style.foreground, .indexed(ramp[Int(0.875 * Double(ramp.count - 1) + 0.5)]))
    }

    func testHigherEnergyNeedsMoreRank() {
        // 99.9% of [2,1,…,1]: 10.989 of 11 needs all 8.
        XCTAssertEqual(HeatmapPane(cells: cells, energy: 0.999).fractions[1], [1, 1])
        // Shares other than 90/99/99.9% search the tail energies: 50% of [2,1,…,1] is 5.5,
        // reached at k = 3 (4 + 1 = 5 is short, 4 + 1 + 1 = 6 is enough): 3/8. 36% (3.96) at k = 1.
        XCTAssertEqual(HeatmapPane(cells: cells, energy: 0.5).fractions[1][1], 0.375)
        XCTAssertEqual(HeatmapPane(cells: cells, energy: 0.36).fractions[1][1], 0.125)
        let spectrum = PaneTestSupport.geometric(count: 300, rows: 300, ratio: 0.98)
        for share in [0.3, 0.5, 0.75, 0.95, 0.9999] {
            XCTAssertEqual(HeatmapPane.rank(spectrum, keeping: share), T.energyRank(spectrum.singularValues, share), "\(share)")
        }
        XCTAssertTrue(render(cells, energy: 0.999).lines()[1].contains("rank for 99.9% energy"))
    }

    func testManyBlocksNarrowTheCellsAndSayWhichAreShown() {
        var many: [HeatmapPane.Cell] = []
        for block in 0..<100 { many.append(cell(block, "up", [1, 1])) }
        // 78 inner columns − "up" − 1 space = 75 one-column cells: blocks 0–74 of 100.
        let b = render(many)
        XCTAssertTrue(b.lines().contains { $0.contains("columns: block 0–74 of 100") }, T.screen(b))
        let row = b.lines().first { $0.hasPrefix("│up ") }!
        XCTAssertEqual(row, "│up " + String(repeating: "█", count: 75) + "│")
        // 36 blocks on 120 columns: 118 − 3 = 115 columns → 3 per block, all shown, each labelled
        // (two digits and a space fit in 3 columns).
        let wide = render(Array(many.prefix(36)), width: 120, height: 40)
        XCTAssertFalse(wide.lines()[1].contains(" of "), T.screen(wide))
        XCTAssertTrue(wide.lines()[2].hasPrefix("│   0  1  2  3  4  5  6  7  8  9  10 11"), T.screen(wide))
        XCTAssertEqual(wide.lines()[3], "│up " + String(repeating: "█", count: 108) + String(repeating: " ", count: 7) + "│")
        // 100 blocks on 120 columns: 1 column each; labels every third block (3 ≥ two digits + space).
        XCTAssertTrue(render(many, width: 120, height: 40).lines()[2].hasPrefix("│   0  3  6  9  12 15"))
    }

    func testNothingToShow() {
        XCTAssertTrue(render([]).lines()[1].contains("no blocks to show"))
        _ = render(cells, width: 6, height: 3)
    }
}
