import XCTest
@testable import Explorer
import TerminalUI

/// Every shipped theme gives the panes usable, distinguishable styles, and themes change only styles.
final class ThemePaneStylesTests: XCTestCase {
    typealias T = PaneTestSupport
    static let folder = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false).dropLast(3)
        .joined(separator: "/") + "/Themes"
    static let names = ["default", "light", "high-contrast", "mono"]

    func styles(_ name: String) throws -> PaneStyles {
        PaneStyles(theme: try Theme.load(path: Self.folder + "/\(name).theme"))
    }

    func testMarkersAndLinesAreDistinctInEveryTheme() throws {
        for name in Self.names {
            let s = try styles(name)
            let marks = [s.chosenRank, s.energyRank90, s.energyRank99, s.energyRank999, s.breakEven]
            XCTAssertEqual(Set(marks).count, marks.count, "\(name): markers must differ")
            XCTAssertNotEqual(s.singularValues, s.energy, name)
            let series = Array(s.series.prefix(6))
            XCTAssertEqual(series.count, 6, name)
            XCTAssertEqual(Set(series).count, series.count, "\(name): overlay lines must differ")
        }
    }

    func testMonoHasNoColourAnywhere() throws {
        let s = try styles("mono")
        let all = [s.text, s.dim, s.title, s.border, s.axis, s.singularValues, s.energy, s.chosenRank, s.energyRank90,
                   s.energyRank99, s.energyRank999, s.breakEven, s.dense, s.sparse, s.best, s.error, s.ok, s.warning,
                   s.accent, s.selection] + s.series
        XCTAssertTrue(all.allSatisfy { $0.foreground == .default && $0.background == .default })
        XCTAssertEqual(s.heatRamp, [])
    }

    func testPartialThemeFallsBackKeyByKey() throws {
        let s = PaneStyles(theme: try Theme.parse("chart.rank = red\n", fileName: "p.theme"))
        XCTAssertEqual(s.chosenRank, Style(foreground: .red))
        XCTAssertEqual(s.energyRank90, PaneStyles.standard.energyRank90)
        XCTAssertEqual(s.heatRamp, PaneStyles.standard.heatRamp)
        XCTAssertEqual(PaneStyles.standard.heatRamp.count, 10)
    }

    func testThemesChangeStylesNotText() throws {
        let spectrum = T.geometric(count: 64, rows: 64, ratio: 0.9)
        func screens(_ styles: PaneStyles) -> [[String]] {
            let panes: [any Widget] = [
                SpectrumPane(title: "S", status: .ready(spectrum), chosenRank: 10, styles: styles),
                OverlayPane(title: "O", spectra: [.init(name: "a", singularValues: spectrum.singularValues)], styles: styles),
                HeatmapPane(cells: [.init(block: 0, role: "q", spectrum: spectrum)], energy: 0.99, styles: styles),
                SparseDensePane(shapes: [(64, 64)], keptParameters: 1000, valueBits: 4, styles: styles),
            ]
            return panes.map { pane in
                var b = CellBuffer(width: 80, height: 24)
                pane.render(into: &b, area: b.area)
                return b.lines()
            }
        }
        let reference = screens(.standard)
        for name in Self.names { XCTAssertEqual(screens(try styles(name)), reference, name) }
    }
}
