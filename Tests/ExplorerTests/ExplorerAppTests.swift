import Explorer
import Planning
import TerminalUI
import XCTest

/// The app end to end through the in-memory backend: keys in, rendered lines out.
final class ExplorerAppTests: XCTestCase {
    func testSelectedLayerIsTheHighlightedRow() throws {
        let (app, backend) = try ExplorerFixture.readyApp()
        var rows = ExplorerFixture.highlightedRows(backend)
        XCTAssertEqual(rows.count, 1, backend.lines().joined(separator: "\n"))
        XCTAssertTrue(rows[0].contains("0 mlp.up_proj"), rows[0])
        app.handle(.character("j"))
        rows = ExplorerFixture.highlightedRows(backend)
        XCTAssertEqual(rows.count, 1)
        XCTAssertTrue(rows[0].contains("0 attn.q_proj"), rows[0])
        XCTAssertTrue(backend.lines().joined().contains("Spectrum 0 attn.q_proj"))
        app.handle(.end)
        XCTAssertTrue(ExplorerFixture.highlightedRows(backend)[0].contains("1 attn.q_proj"))
        app.finish()
    }

    func testRankChangesAfterPlusAndTotalsFollow() throws {
        let (app, backend) = try ExplorerFixture.readyApp()
        let r99 = try XCTUnwrap(app.state.statuses[0].spectrum?.summary.energyRank99)
        let before = backend.lines()[1]
        XCTAssertTrue(ExplorerFixture.highlightedRows(backend)[0].contains("dense"))
        app.handle(.character("-"))
        XCTAssertTrue(backend.lines()[1].contains("(+"), "rank 11 of a 40×12 matrix costs more than dense: \(backend.lines()[1])")
        XCTAssertTrue(app.state.statusText.hasSuffix("Past break-even: dense at 16 bits is smaller."), app.state.statusText)
        app.handle(.character("e"))
        XCTAssertEqual(app.state.ranks[0], r99)
        XCTAssertTrue(backend.lines()[1].contains("(−"), backend.lines()[1])
        app.handle(.character("+"))
        XCTAssertEqual(app.state.ranks[0], r99 + 1)
        let row = ExplorerFixture.highlightedRows(backend)[0]
        XCTAssertFalse(row.contains("dense"), row)
        XCTAssertTrue(row.split(separator: " ").contains(Substring("\(r99 + 1)")), row)
        XCTAssertNotEqual(backend.lines()[1], before, "the totals in the title change with the rank")
        XCTAssertTrue(backend.lines().joined().contains("k=\(r99 + 1)"), "the chosen rank is marked on the chart")
        app.finish()
    }

    func testSpectrumPaneShowsMarkersAndNumbers() throws {
        let (app, backend) = try ExplorerFixture.readyApp()
        let screen = backend.lines().joined(separator: "\n")
        let summary = try XCTUnwrap(app.state.statuses[0].spectrum?.summary)
        XCTAssertTrue(screen.contains("r99 \(summary.energyRank99)"), screen)
        XCTAssertTrue(screen.contains("break-even \(summary.breakEvenRank)"), screen)
        XCTAssertTrue(screen.contains("r90"))
        XCTAssertTrue(screen.contains("All 4 spectra ready"), screen)
        app.finish()
    }

    func testHelpListsEveryKeyOfTheKeyMap() throws {
        let (app, backend) = try ExplorerFixture.readyApp()
        app.handle(.character("?"))
        var screen = backend.lines().joined(separator: "\n")
        XCTAssertTrue(screen.contains("j/k scroll"), "33 bindings do not fit 30 lines, so help scrolls:\n\(screen)")
        for _ in 0..<ExplorerView.helpLines().count {
            app.handle(.character("j"))
            screen += backend.lines().joined(separator: "\n")
        }
        for section in KeyMap.sections { XCTAssertTrue(screen.contains(section.title), "help misses \(section.title)") }
        for binding in KeyMap.sections.flatMap(\.bindings) {
            XCTAssertTrue(screen.contains(binding.keyLabel + " "), "help misses \(binding.keyLabel)\n\(screen)")
            XCTAssertTrue(screen.contains(binding.summary), "help misses \(binding.summary)")
        }
        app.handle(.escape)
        XCTAssertFalse(backend.lines().joined().contains(KeyMap.main[0].summary))
        app.finish()
    }

    func testQuittingWithChangesAsksFirst() throws {
        let (app, backend) = try ExplorerFixture.readyApp()
        app.handle(.character("-"))
        app.handle(.character("q"))
        XCTAssertFalse(app.state.shouldQuit)
        let dialogLine = try XCTUnwrap(backend.lines().firstIndex { $0.contains("[ Cancel ]") })
        XCTAssertTrue(backend.lines().joined().contains("Discard unsaved changes?"))
        let cancelX = try XCTUnwrap(backend.lines()[dialogLine].range(of: "[ Cancel ]")).lowerBound.utf16Offset(in: backend.lines()[dialogLine])
        XCTAssertEqual(backend.buffer.cell(x: cancelX, y: dialogLine)?.style, ExplorerView.selectedStyle, "Cancel has the focus")
        app.handle(.enter)
        XCTAssertFalse(app.state.shouldQuit)
        XCTAssertFalse(backend.lines().joined().contains("[ Cancel ]"))
        app.handle(.character("q"))
        app.handle(.character("y"))
        XCTAssertTrue(app.state.shouldQuit)
        app.finish()
    }

    func testRunLoopQuitsAndRestores() throws {
        let backend = InMemoryBackend(width: 100, height: 24, keys: [.character("j"), .character("-"), .character("q"), .character("y")])
        let app = ExplorerApp(catalog: try ExplorerFixture.catalog(), backend: backend, cache: nil, workers: 1)
        app.run()
        XCTAssertTrue(app.state.shouldQuit)
        XCTAssertEqual(app.state.ranks[1], 11)
        XCTAssertEqual(backend.restoreCount, 1)
        XCTAssertGreaterThan(backend.drawCount, 0)
    }

    func testTinyTerminalsShowAMessageAndNeverTrap() throws {
        let catalog = try ExplorerFixture.catalog()
        var state = ExplorerState(catalog: catalog)
        for (w, h) in [(0, 0), (1, 1), (2, 2), (3, 1), (1, 3), (20, 5), (39, 24), (80, 9)] {
            let buffer = ExplorerView.frame(&state, width: w, height: h)
            XCTAssertEqual(buffer.width, w)
            if w >= 18 && h >= 1 {
                XCTAssertTrue(buffer.lines().joined().contains("terminal too small"), "\(w)×\(h)")
            }
        }
        for (w, h) in [(40, 10), (60, 20), (80, 24), (200, 60)] {
            let screen = ExplorerView.frame(&state, width: w, height: h).lines().joined(separator: "\n")
            XCTAssertFalse(screen.contains("terminal too small"), "\(w)×\(h)")
            XCTAssertTrue(screen.contains("0 mlp.up_proj"), "\(w)×\(h)\n\(screen)")
        }
        for overlay in [ExplorerAction.toggleHelp, .rankDown, .budget, .filter, .quit] {
            state.reduce(overlay)
            for (w, h) in [(0, 0), (1, 1), (2, 2), (40, 10), (41, 11), (40, 16), (80, 24)] { _ = ExplorerView.frame(&state, width: w, height: h) }
        }
    }

    func testResizeRelaysOut() throws {
        let (app, backend) = try ExplorerFixture.readyApp(width: 100, height: 30)
        backend.resize(width: 30, height: 8)
        app.handle(try XCTUnwrap(backend.readKey(timeout: 0)))
        XCTAssertTrue(backend.lines().joined().contains("terminal too small"))
        backend.resize(width: 100, height: 30)
        app.handle(.resize)
        XCTAssertTrue(ExplorerFixture.highlightedRows(backend)[0].contains("0 mlp.up_proj"))
        app.finish()
    }

    func testScrollingKeepsTheSelectionVisible() throws {
        let backend = InMemoryBackend(width: 100, height: 10)
        let app = ExplorerApp(catalog: try ExplorerFixture.catalog(blocks: 6), backend: backend, cache: nil, workers: 2)
        XCTAssertTrue(app.waitForSpectra())
        app.handle(.end)
        XCTAssertTrue(ExplorerFixture.highlightedRows(backend).first?.contains("5 attn.q_proj") ?? false,
                      backend.lines().joined(separator: "\n"))
        app.handle(.pageUp)
        XCTAssertEqual(ExplorerFixture.highlightedRows(backend).count, 1)
        app.handle(.home)
        XCTAssertTrue(ExplorerFixture.highlightedRows(backend)[0].contains("block 0"))
        app.finish()
    }
}
