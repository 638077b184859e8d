import XCTest
@testable import Explorer
import TerminalUI

final class PaneSparseDenseTests: XCTestCase {
    typealias T = PaneTestSupport

    func render(shapes: [(rows: Int, columns: Int)] = [(1000, 1000)], kept: Int = 100_000, bits: Int = 16,
                width: Int = 80, height: Int = 24) -> CellBuffer {
        var b = CellBuffer(width: width, height: height)
        SparseDensePane(shapes: shapes, keptParameters: kept, valueBits: bits).render(into: &b, area: b.area)
        return b
    }

    func testTableFiguresFromTheFormatDefinitions() {
        // One 1000×1000 matrix, P = 100 000 kept values of 16 bits (density 10%), sizes in bits:
        // low-rank P·16; dense 10⁶·16; CSR P·80 + 64·1001; COO P·144; index16 P·32 + 32·1001;
        // bitmask P·16 + 10⁶ + 64 128 (compressed-tensors: bitmask, int64 row offsets, int64 shape);
        // 2:4 (10⁶/2)·16 + 10⁶ + 128. Break-even densities: CSR (16·10⁶ − 64 064)/(80·10⁶),
        // COO 16/144, index16 (16·10⁶ − 32 032)/(32·10⁶), bitmask (15·10⁶ − 64 128)/(16·10⁶), 2:4 1/2.
        let lowRank = 100_000.0 * 16 / 8
        let expected: [(String, Double, String)] = [
            ("low-rank A·B", lowRank, "—"),
            ("dense W", 16e6 / 8, "—"),
            ("csr-int64", (8_000_000 + 64_064) / 8, T.percent((16e6 - 64_064) / 80e6)),
            ("coo-int64", 14_400_000 / 8, T.percent(16.0 / 144)),
            ("index16", (3_200_000 + 32_032) / 8, T.percent((16e6 - 32_032) / 32e6)),
            ("bitmask", (1.6e6 + 1e6 + 64_128) / 8, T.percent((15e6 - 64_128) / 16e6)),
            ("2:4", (8e6 + 1e6 + 128) / 8, T.percent(0.5)),
        ]
        let b = render()
        let lines = b.lines()
        XCTAssertTrue(lines[1].hasPrefix("│100.0K of 1.00M parameters  density 10.00%  16-bit values  1 matrix "), T.screen(b))
        XCTAssertTrue(lines[2].hasPrefix("│storage             size ÷ low-rank break-even"), T.screen(b))
        for (i, (name, bytes, breakEven)) in expected.enumerated() {
            // Binary units, three significant digits: 200 000 bytes → 195.3 KiB → `195KiB`.
            let size = bytes < 1_048_576 ? String(format: "%.3gKiB", bytes / 1024) : String(format: "%.3gMiB", bytes / 1_048_576)
            let ratio = String(format: "%.4g×", bytes / lowRank)
            let words = name.split(separator: " ").map(String.init)
            let cells = lines[3 + i].dropFirst().split(separator: " ").map(String.init)
            XCTAssertEqual(Array(cells.prefix(words.count + 3)), words + [size, ratio, breakEven], T.screen(b))
        }
    }

    func testBarsBesideTheTableScaleWithSize() {
        let b = render()
        // Bars scale to the largest entry: at 10% density that is dense W (2·10⁶ bytes, COO 1.8·10⁶).
        let barRows = (3..<10).map { y in b.lines()[y].filter { "▏▎▍▌▋▊▉█".contains($0) }.count }
        XCTAssertEqual(barRows[1], barRows.max(), "dense W is the largest at 10% density" + T.screen(b))
        XCTAssertLessThan(barRows[0], barRows[6], "low-rank below 2:4")
        XCTAssertEqual(b.cell(x: 49, y: 3)?.style.bold, true, "the smallest entry is emphasised" + T.screen(b))
    }

    func testSizeChartMarksThePlanCount() {
        let b = render(width: 120, height: 40)
        let axis = T.rows(containing: "└", in: b).first { $0.y < 39 }!
        let plotX = axis.x + 1, plotWidth = 119 - plotX
        // x runs over 0…1 M parameters; the plan keeps 0.1 M.
        let x = T.column(of: 0.1, range: 0...1, plotX: plotX, plotWidth: plotWidth)
        let legendEnd = T.rows(containing: "━", in: b).map(\.y).max()!
        XCTAssertTrue(T.column(x, rows: legendEnd + 1, axis.y, in: b, hasStyle: PaneStyles.standard.chosenRank),
                      "plan marker at column \(x)" + T.screen(b))
        XCTAssertTrue(b.lines()[axis.y + 1].contains("parameters kept (M)"))
        // y runs up to twice dense W, 4·10⁶ bytes = 3.81 MiB, labelled in binary units.
        let top = String(format: "%.3gMiB│", 4e6 / 1_048_576)
        XCTAssertTrue(b.lines().contains { $0.contains(top) }, "y up to \(top)" + T.screen(b))
    }

    func testAboveHalfDensityTwoFourDoesNotApplyAndNarrowDropsTheRatio() {
        let dense = render(kept: 600_000)
        XCTAssertTrue(dense.lines().contains { $0.hasPrefix("│2:4") && $0.contains("n/a") }, T.screen(dense))
        let narrow = render(width: 40, height: 24)
        XCTAssertFalse(narrow.lines().joined().contains("÷ low-rank"), T.screen(narrow))
        XCTAssertTrue(narrow.lines().contains { $0.contains("csr-int64") && $0.contains(T.percent((16e6 - 64_064) / 80e6)) })
    }

    func testNothingToCompare() {
        XCTAssertTrue(render(shapes: []).lines()[1].contains("no factorized matrices to compare"))
        _ = render(width: 5, height: 3)
    }
}

extension PaneSparseDenseTests {
    func testSizeCurvesFollowTheFormulas() {
        // Two matrices 100×200 and 300×40 (E = 32 000), 8-bit values; at density d each keeps
        // d·m·n values. CSR: d·E·72 + 64·(101 + 301) bits; bitmask d·E·8 + 8·(100·25 + 300·5) + 64·400 + 2·128;
        // 2:4 (E/2)·8 + 8·(100·25 + 300·5) + 2·128 up to ½.
        let pane = SparseDensePane(shapes: [(100, 200), (300, 40)], keptParameters: 1000, valueBits: 8)
        let curves = Dictionary(uniqueKeysWithValues: pane.sizeSeries().map { ($0.name, $0.bytes) })
        XCTAssertEqual(Set(curves.keys), ["low-rank", "dense W", "csr-int64", "coo-int64", "index16", "bitmask", "2:4"])
        let e = 32_000.0
        for (i, point) in curves["csr-int64"]!.enumerated() {
            let d = Double(i) / 100
            XCTAssertEqual(point.parameters, d * e, accuracy: 1e-9)
            XCTAssertEqual(point.bytes, (d * e * 72 + 64 * 402) / 8, accuracy: 1e-6)
            XCTAssertEqual(curves["bitmask"]![i].bytes, (d * e * 8 + 32_000 + 25_600 + 256) / 8, accuracy: 1e-6)
            XCTAssertEqual(curves["low-rank"]![i].bytes, d * e, accuracy: 1e-9)
            XCTAssertEqual(curves["dense W"]![i].bytes, e)
            if d <= 0.5 {
                XCTAssertEqual(curves["2:4"]![i].bytes, (e / 2 * 8 + 32_000 + 256) / 8)
            } else {
                XCTAssertTrue(curves["2:4"]![i].bytes.isNaN)
            }
        }
    }
}
