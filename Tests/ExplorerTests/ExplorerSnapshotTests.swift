import Explorer
import TerminalUI
import XCTest

/// Scripted keys → expected layer pane, at 80×24 (pane 44 columns: mark, layer, rank, size,
/// error) and at 160×40 (every column). Figures come from ``ExplorerFigures``, not the code.
final class ExplorerSnapshotTests: XCTestCase {
    private typealias F = ExplorerFigures

    func testTypedRankAndEnergyAt80x24() throws {
        let (app, backend) = try ExplorerFixture.readyApp(width: 80, height: 24)
        ExplorerScreens.type(app, [.character("e"), .character("j"), .character("=")])
        XCTAssertTrue(backend.lines()[23].hasPrefix("rank (12, 25%, e99): █"), backend.lines()[23])
        ExplorerScreens.type(app, text: "25%")
        app.handle(.enter)
        let r99 = F.energyRank(0.99)
        XCTAssertEqual(r99, 7)
        let quarter = 3  // ⌈0.25 · 12⌉
        let upBytes = 2 * r99 * (40 + 12), qBytes = 2 * quarter * (12 + 12)  // 16-bit factors: 2 bytes per element
        let groupError = ((F.tail(r99) + F.tail(quarter)) / (2 * F.energy)).squareRoot()
        let pane = ExplorerScreens.tablePane(backend, width: 44)
        XCTAssertEqual(Array(pane[2...9]), [
            "┌─Layers 3/6  name ↑───────────────────────┐",
            "│   layer               rank    size  error│",
            F.line80("▾", "block 0 (2)", "", "\(upBytes + qBytes)B", F.percent(groupError)),
            F.line80(" *", "  0 mlp.up_proj", "\(r99)", "\(upBytes)B", F.percent(F.error(rank: r99))),
            F.line80(" *", "  0 attn.q_proj", "\(quarter)", "\(qBytes)B", F.percent(F.error(rank: quarter))),
            F.line80("▾", "block 1 (2)", "", F.kib(1920 + 576), "0.00%"),
            F.line80("", "  1 mlp.up_proj", "dense", F.kib(1920), "0.00%"),
            F.line80("", "  1 attn.q_proj", "dense", "576B", "0.00%"),
        ])
        let before = F.parametersBefore()
        let after = before - 480 - 144 + r99 * 52 + quarter * 24
        let change = String(format: "%.2f%%", Double(before - after) / Double(before) * 100)
        XCTAssertTrue(backend.lines()[1].contains("params 1.4K → 1.2K (−\(change))"), backend.lines()[1])
        XCTAssertEqual(backend.lines()[23], "0 attn.q_proj: rank 3 of 12.")
        app.finish()
    }

    func testBitsCycleAt160x40ShowsEveryColumn() throws {
        let (app, backend) = try ExplorerFixture.readyApp(width: 160, height: 40)
        app.handle(.character("e"))
        var sizes: [String] = []
        for _ in 0..<5 {
            app.handle(.character("b"))
            sizes.append(ExplorerScreens.tablePane(backend, width: 88)[5])
        }
        // Factors of a 40×12 matrix at rank 7 with groups of 128 (one group per column of A and row of B):
        // ⌈(40·7·b + 32·7)/8⌉ + ⌈(7·12·b + 32·7)/8⌉ bytes; 16 bits has no scales: 2·7·52.
        func bytes(_ b: Int) -> Int { b == 16 ? 2 * 7 * 52 : (40 * 7 * b + 224 + 7) / 8 + (7 * 12 * b + 224 + 7) / 8 }
        let expected = [8, 4, 3, 2, 16].map { b -> String in
            let size = bytes(b) >= 1024 ? F.kib(bytes(b)) : "\(bytes(b))B"
            return "\(b) " + F.right(size, 7)
        }
        for (line, tail) in zip(sizes, expected) {
            XCTAssertTrue(line.contains(" 7 " + F.right(tail, 12)), "\(tail) in \(line)")
        }
        app.handle(.character("B"))
        let pane = ExplorerScreens.tablePane(backend, width: 88)
        XCTAssertEqual(pane[3], "│   layer                             shape dtype  r99 params  rank bits    size  error│")
        // CALDERA: the 40×12 backbone at 4 bits adds ⌈(480·4 + 32·40)/8⌉ = 400 bytes and 480 parameters.
        let calderaBytes = bytes(16) + 400
        XCTAssertTrue(pane[5].hasPrefix("│ *   0 mlp.up_proj                   40×12   F32    7    844     7 16+4 "
                                         + F.right(F.kib(calderaBytes), 7)), pane[5])
        XCTAssertTrue(backend.lines()[39].contains("16-bit + 4-bit backbone"), backend.lines()[39])
        app.finish()
    }

    func testSortFilterAndFoldAt80x24() throws {
        let (app, backend) = try ExplorerFixture.readyApp(width: 80, height: 24)
        // Make block 1's up_proj small (rank 1: 2·52 = 104 bytes), then sort by size, largest first.
        ExplorerScreens.type(app, [.end, .character("k"), .character("=")])
        ExplorerScreens.type(app, text: "1")
        app.handle(.enter)
        app.handle(.character("s"))
        var pane = ExplorerScreens.tablePane(backend, width: 44)
        XCTAssertEqual(Array(pane[2...9]), [
            "┌─Layers 6/6  size ↓───────────────────────┐",
            "│   layer               rank    size  error│",
            F.line80("▾", "block 0 (2)", "", F.kib(1920 + 576), "0.00%"),
            F.line80("", "  0 mlp.up_proj", "dense", F.kib(1920), "0.00%"),
            F.line80("", "  0 attn.q_proj", "dense", "576B", "0.00%"),
            F.line80("▾", "block 1 (2)", "", "680B", F.percent((F.tail(1) / (2 * F.energy)).squareRoot())),
            F.line80("", "  1 attn.q_proj", "dense", "576B", "0.00%"),
            F.line80(" *", "  1 mlp.up_proj", "1", "104B", F.percent(F.error(rank: 1))),
        ])
        XCTAssertEqual(app.state.cursor, .layer(2), "the selection follows its layer through the sort")
        app.handle(.character("S"))
        pane = ExplorerScreens.tablePane(backend, width: 44)
        XCTAssertTrue(pane[2].contains("size ↑"), pane[2])
        XCTAssertTrue(pane[4].contains("block 1") && pane[5].contains("1 mlp.up_proj"), pane.joined(separator: "\n"))

        // Filter live as typed; a bad regex says so and keeps the last good filter; Esc restores.
        app.handle(.character("/"))
        ExplorerScreens.type(app, text: "q_")
        pane = ExplorerScreens.tablePane(backend, width: 44)
        XCTAssertEqual(pane.filter { $0.contains("_proj") }.count, 2, pane.joined(separator: "\n"))
        XCTAssertTrue(pane.allSatisfy { !$0.contains("up_proj") })
        XCTAssertEqual(backend.lines()[23], "/q_█")
        app.handle(.character("("))
        XCTAssertEqual(app.state.filterText, "q_", "an unbalanced '(' is not applied")
        XCTAssertTrue(app.state.statusText.contains("Not a valid regular expression"), app.state.statusText)
        app.handle(.escape)
        XCTAssertEqual(app.state.filterText, "")
        app.handle(.character("/"))
        ExplorerScreens.type(app, text: "up")
        app.handle(.enter)
        pane = ExplorerScreens.tablePane(backend, width: 44)
        XCTAssertTrue(pane[2].contains("/up/"), pane[2])
        XCTAssertEqual(pane.filter { $0.contains("up_proj") }.count, 2)
        XCTAssertEqual(app.state.cursor, .layer(2), "still on 1 mlp.up_proj")

        // Fold the selected block: its header is selected; unfold all brings the layer back.
        app.handle(.enter)
        XCTAssertEqual(app.state.cursor, .group(1))
        pane = ExplorerScreens.tablePane(backend, width: 44)
        XCTAssertTrue(pane.contains { $0.hasPrefix("│▸  block 1 (1)") }, pane.joined(separator: "\n"))
        XCTAssertFalse(pane.contains { $0.contains("1 mlp.up_proj") })
        app.handle(.character("M"))
        XCTAssertEqual(app.state.rows, [.group(1), .group(0)])
        app.handle(.character("R"))
        XCTAssertEqual(app.state.rows, [.group(1), .layer(2), .group(0), .layer(0)])
        app.finish()
    }

    func testUndoRedoRestoreRowsAndTotals() throws {
        let (app, backend) = try ExplorerFixture.readyApp(width: 80, height: 24)
        let pristine = ExplorerScreens.tablePane(backend, width: 44).dropLast()
        let title = backend.lines()[1]
        ExplorerScreens.type(app, [.character("-"), .character("-"), .character("b")])
        let changed = ExplorerScreens.tablePane(backend, width: 44).dropLast()
        XCTAssertTrue(changed[5].contains(" 10 "), changed[5])
        ExplorerScreens.type(app, [.character("u"), .character("u"), .character("u")])
        XCTAssertEqual(ExplorerScreens.tablePane(backend, width: 44).dropLast(), pristine)
        XCTAssertEqual(backend.lines()[1], title)
        XCTAssertFalse(app.state.hasUnsavedChanges, "undoing everything leaves nothing unsaved")
        app.handle(.character("u"))
        XCTAssertEqual(backend.lines()[23], "Nothing to undo.")
        ExplorerScreens.type(app, [.ctrl("r"), .ctrl("r"), .ctrl("r")])
        XCTAssertEqual(ExplorerScreens.tablePane(backend, width: 44).dropLast(), changed)
        app.handle(.ctrl("r"))
        XCTAssertEqual(backend.lines()[23], "Nothing to redo.")
        app.finish()
    }

    func testSortFilterAndFoldAt160x40() throws {
        let (app, backend) = try ExplorerFixture.readyApp(width: 160, height: 40)
        ExplorerScreens.type(app, [.end, .character("k"), .character("=")])
        ExplorerScreens.type(app, text: "1")
        ExplorerScreens.type(app, [.enter, .character("s"), .character("s")])
        // Block 1: 1 mlp.up_proj at rank 1 holds 52 parameters in 2·52 = 104 bytes; its block has
        // 144 + 52 parameters and (576 + 104)·8 / 624 = 8.7 bits per weight.
        var pane = ExplorerScreens.tablePane(backend, width: 88)
        XCTAssertEqual(Array(pane[2...9]), [
            "┌─Layers 6/6  params ↓─────────────────────────────────────────────────────────────────┐",
            "│   layer                             shape dtype  r99 params  rank bits    size  error│",
            F.line160("▾", "block 0 (2)", "", "", "", "624", "", "32.0", F.kib(1920 + 576), "0.00%"),
            F.line160("", "  0 mlp.up_proj", "40×12", "F32", "7", "480", "dense", "32", F.kib(1920), "0.00%"),
            F.line160("", "  0 attn.q_proj", "12×12", "F32", "7", "144", "dense", "32", "576B", "0.00%"),
            F.line160("▾", "block 1 (2)", "", "", "", "196", "", String(format: "%.1f", 680.0 * 8 / 624), "680B",
                      F.percent((F.tail(1) / (2 * F.energy)).squareRoot())),
            F.line160("", "  1 attn.q_proj", "12×12", "F32", "7", "144", "dense", "32", "576B", "0.00%"),
            F.line160(" *", "  1 mlp.up_proj", "40×12", "F32", "7", "52", "1", "16", "104B", F.percent(F.error(rank: 1))),
        ])
        app.handle(.character("/"))
        ExplorerScreens.type(app, text: "q_proj\\.weight$")
        ExplorerScreens.type(app, [.enter, .home, .enter])
        pane = ExplorerScreens.tablePane(backend, width: 88)
        XCTAssertEqual(Array(pane[2...7]), [
            "┌─Layers 1/3  params ↓  /q_proj\\.weight$/" + String(repeating: "─", count: 88 - 41 - 1) + "┐", // the title is 41 cells
            "│   layer                             shape dtype  r99 params  rank bits    size  error│",
            F.line160("▸", "block 0 (1)", "", "", "", "144", "", "32.0", "576B", "0.00%"),
            F.line160("▾", "block 1 (1)", "", "", "", "144", "", "32.0", "576B", "0.00%"),
            F.line160("", "  1 attn.q_proj", "12×12", "F32", "7", "144", "dense", "32", "576B", "0.00%"),
            "│                                                                                      │",
        ])
        app.finish()
    }
}
