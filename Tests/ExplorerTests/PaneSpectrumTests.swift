import XCTest
import Foundation
@testable import Explorer
import Planning
import TerminalUI

final class PaneSpectrumTests: XCTestCase {
    typealias T = PaneTestSupport
    // 96 singular values 0.93^(i−1) of a 256×96 matrix: r90 = 16, r99 = 32, r99.9 = 48 and
    // break-even ⌈256·96/352⌉ = 70 land in different columns even on a 36-column pane.
    let spectrum = T.geometric(count: 96, rows: 256, ratio: 0.93)
    let chosen = 20

    func render(width: Int, height: Int, rank: Int? = 20, estimate: LayerEstimate? = nil) -> CellBuffer {
        var buffer = CellBuffer(width: width, height: height)
        SpectrumPane(title: "Spectrum w", status: .ready(spectrum), chosenRank: rank, estimate: estimate)
            .render(into: &buffer, area: buffer.area)
        return buffer
    }

    /// Every legend entry and key figure, derived here from the singular values.
    func expectedTexts() -> [String] {
        let values = spectrum.singularValues
        let total = values.reduce(0) { $0 + $1 * $1 }
        let kept = values.prefix(chosen).reduce(0) { $0 + $1 * $1 } / total
        let stable = total / (values[0] * values[0])
        return [
            "r90 \(T.energyRank(values, 0.90))", "r99 \(T.energyRank(values, 0.99))",
            "r99.9 \(T.energyRank(values, 0.999))", "break-even \(Int((256.0 * 96 / 352).rounded(.up)))", "k \(chosen)",
            "‖W‖F " + String(format: "%.4g", total.squareRoot()), "σ₁ 1", "stable rank " + String(format: "%.4g", stable),
            "full rank 96", "k=\(chosen) keeps " + T.percent(kept), "error " + T.percent((1 - kept).squareRoot()),
        ]
    }

    func assertTextsPresent(_ buffer: CellBuffer, file: StaticString = #filePath, line: UInt = #line) {
        let lines = buffer.lines()
        for text in expectedTexts() {
            XCTAssertTrue(lines.contains { $0.contains(text) }, "missing \(text)" + T.screen(buffer), file: file, line: line)
        }
    }

    func testRightPaneOf80x24KeepsEveryFigureAndMarksEveryRank() {
        // ExplorerView gives the spectrum 45% of 80 columns and the 22 rows between title and status.
        let b = render(width: 36, height: 22)
        assertTextsPresent(b)
        let axes = T.rows(containing: "└", in: b).filter { $0.y < 21 }  // row 21 is the border
        XCTAssertEqual(axes.count, 2, "σ chart and energy chart" + T.screen(b))
        XCTAssertEqual(axes[0].x, axes[1].x, "both charts put rank k in the same column")
        XCTAssertTrue(b.lines().contains { $0.contains("100%") } && b.lines().contains { $0.contains(" 0%") })
        let plotX = axes[0].x + 1, plotWidth = 35 - plotX
        let top = T.rows(containing: "σ", in: b).first { $0.y > 0 }!.y + 1  // legend rows end above the plot
        let values = spectrum.singularValues
        let styles = PaneStyles.standard
        let marks: [(Int, Style)] = [
            (chosen, styles.chosenRank), (T.energyRank(values, 0.90), styles.energyRank90),
            (T.energyRank(values, 0.99), styles.energyRank99), (T.energyRank(values, 0.999), styles.energyRank999),
            (70, styles.breakEven),
        ]
        for (rank, style) in marks {
            let x = T.column(of: Double(rank), range: 1...96, plotX: plotX, plotWidth: plotWidth)
            XCTAssertTrue(T.column(x, rows: top, axes[0].y, in: b, hasStyle: style), "rank \(rank) not at column \(x)" + T.screen(b))
            XCTAssertTrue(T.column(x, rows: axes[0].y + 1, axes[1].y, in: b, hasStyle: style), "energy chart lacks rank \(rank)")
        }
        // The border survives on every row: nothing written past the pane.
        for y in 1..<21 { XCTAssertEqual(b.cell(x: 35, y: y)?.character, "│", "row \(y)" + T.screen(b)) }
    }

    func testWideScreenShowsTheSameFiguresAndAFullEnergyCurve() {
        let b = render(width: 120, height: 40)
        assertTextsPresent(b)
        let axes = T.rows(containing: "└", in: b).filter { $0.y > 0 && $0.y < 39 }
        XCTAssertEqual(axes.count, 2)
        // The cumulative energy reaches 100% at the last rank: the top row of the energy plot
        // has a braille dot in the last plot column (118 is the border).
        let energyTop = axes[0].y + 1
        let lastCell = b.cell(x: 117, y: energyTop)!.character.unicodeScalars.first!.value
        XCTAssertTrue((0x2801...0x28FF).contains(lastCell), T.screen(b))
        XCTAssertEqual(b.cell(x: 117, y: energyTop)?.style, PaneStyles.standard.energy)
    }

    func testShortPaneDropsChartsBeforeText() {
        // 36×12: 10 inner rows − 3 legend − 5 figure rows leave 2, too few for a chart: the marker
        // ranks and the figures as text.
        let b = render(width: 36, height: 12)
        XCTAssertEqual(T.rows(containing: "└", in: b).map(\.y), [11], "only the border's corner" + T.screen(b))
        XCTAssertTrue(b.lines()[1].hasPrefix("││ r90 16  │ r99 32  │ r99.9 48"), T.screen(b))
        XCTAssertFalse(b.lines().joined().contains("σᵢ"), T.screen(b))
        assertTextsPresent(b)
        let tiny = render(width: 30, height: 5)  // 3 rows: the marker ranks first
        XCTAssertTrue(tiny.lines()[1].hasPrefix("││ r90 16"), T.screen(tiny))
        // 14 inner rows − 3 legend − 5 figure rows leave 6 for charts: the σ chart alone, and
        // the legend no longer lists the energy line.
        let mid = render(width: 36, height: 16)
        let axes = T.rows(containing: "└", in: mid).filter { $0.y < 15 }
        XCTAssertEqual(axes.count, 1, T.screen(mid))
        XCTAssertFalse(mid.lines().joined().contains("energy %"), T.screen(mid))
        let labels = mid.lines()[axes[0].y + 1]
        XCTAssertTrue(labels.contains(" rank ") && labels.hasSuffix(" 96│"), "x labels under the σ chart" + T.screen(mid))
        _ = render(width: 3, height: 2)  // degenerate sizes draw what fits
        _ = render(width: 0, height: 0)
    }

    func testDenseLayerAndEstimateFigures() throws {
        let tensor = PlannedTensor(name: "w", shape: [256, 96], spectrum: spectrum)
        let estimate = try LayerEstimate(tensor: tensor, choice: .lowRank(rank: chosen))
        let b = render(width: 80, height: 24, estimate: estimate)
        // 256·96 = 24576 before, 20·(256 + 96) = 7040 after.
        XCTAssertTrue(b.lines().contains { $0.contains("params 24.6K → 7.0K") }, T.screen(b))
        let dense = render(width: 80, height: 24, rank: nil)
        XCTAssertTrue(dense.lines().contains { $0.contains("dense keeps 100.00%") && $0.contains("error 0.00%") }, T.screen(dense))
        XCTAssertFalse(dense.lines().contains { $0.contains("│ k ") })
    }

    func testStatusesWithoutSpectrum() {
        func text(_ status: SpectrumStatus?) -> [String] {
            var b = CellBuffer(width: 30, height: 6)
            SpectrumPane(title: "S", status: status).render(into: &b, area: b.area)
            return b.lines()
        }
        func row(_ content: String) -> String { "│ " + content + String(repeating: " ", count: 27 - content.count) + "│" }
        XCTAssertEqual(text(nil)[1], row("no layer selected"))
        XCTAssertEqual(text(.pending)[1], row("computing spectrum…"))
        let failed = text(.failed("w.safetensors: tensor data is truncated"))
        XCTAssertEqual(Array(failed[1...2]), [row("w.safetensors: tensor data"), row("is truncated")])
    }
}
