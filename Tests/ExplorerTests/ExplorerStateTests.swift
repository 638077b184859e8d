import Explorer
import Planning
import TerminalUI
import XCTest

/// The pure state: selection, ranks, help and quit confirmation, driven by actions.
final class ExplorerStateTests: XCTestCase {
    func testRowsAreTheCompressibleMatricesInGroupOrder() throws {
        let state = ExplorerState(catalog: try ExplorerFixture.catalog())
        XCTAssertEqual((0..<state.entries.count).map(state.displayName),
                       ["0 mlp.up_proj", "0 attn.q_proj", "1 mlp.up_proj", "1 attn.q_proj"])
        XCTAssertEqual(state.ranks, [nil, nil, nil, nil])
        XCTAssertFalse(state.hasUnsavedChanges)
        XCTAssertEqual(state.progress.total, 4)
        XCTAssertTrue(state.isComputing)
    }

    /// Sizes come from the headers: before the first spectrum lands, the screen already shows the
    /// model's parameters and bytes and each row's shape and size (issue 17).
    func testSizesShowBeforeTheFirstSpectrumLands() throws {
        var state = ExplorerState(catalog: try ExplorerFixture.catalog())
        XCTAssertTrue(state.isComputing)
        let screen = ExplorerView.frame(&state, width: 160, height: 30).lines().joined(separator: "\n")
        // 96 + 12 + 2·(144 + 480) = 1356 parameters of F32: 5424 bytes = 5.3 KiB; an up_proj is 480·4 B = 1.88 KiB.
        XCTAssertTrue(screen.contains("params 1.4K → 1.4K"), screen)
        XCTAssertTrue(screen.contains("size 5.3KiB → 5.3KiB"), screen)
        let row = try XCTUnwrap(screen.split(separator: "\n").first { $0.contains("40×12") }, screen)
        XCTAssertTrue(row.contains("0 mlp.up_proj") && row.contains("480") && row.contains("1.88KiB"), String(row))
    }

    func testSelectionMovesAndClamps() throws {
        var state = ExplorerState(catalog: try ExplorerFixture.catalog())
        XCTAssertEqual(state.cursor, .layer(0), "the first layer, not its header, is selected at start")
        state.reduce(.moveUp)
        XCTAssertEqual(state.cursor, .group(0))
        state.reduce(.moveUp)
        XCTAssertEqual(state.cursor, .group(0))
        state.reduce(.moveDown)
        state.reduce(.moveDown)
        XCTAssertEqual(state.selection, 1)
        XCTAssertEqual(state.rows, [.group(0), .layer(0), .layer(1), .group(1), .layer(2), .layer(3)],
                       "a header line per block, then its layers")
        state.reduce(.bottom)
        XCTAssertEqual(state.selection, 3)
        state.reduce(.moveDown)
        XCTAssertEqual(state.selection, 3)
        state.reduce(.top)
        XCTAssertEqual(state.cursor, .group(0))
        XCTAssertEqual(state.selection, 0, "a header shows its first layer")
        state.pageSize = 2
        state.reduce(.pageDown)
        XCTAssertEqual(state.cursor, .layer(1))
        state.reduce(.pageDown)
        XCTAssertEqual(state.cursor, .layer(2))
        state.reduce(.pageDown)
        XCTAssertEqual(state.cursor, .layer(3))
        state.reduce(.pageUp)
        XCTAssertEqual(state.cursor, .group(1))
    }

    func testRankKeysStepAndClamp() throws {
        var state = ExplorerState(catalog: try ExplorerFixture.catalog())
        state.reduce(.rankUp)
        XCTAssertNil(state.ranks[0], "+ on a dense layer keeps it dense")
        state.reduce(.rankDown)
        XCTAssertEqual(state.ranks[0], 11, "- from dense goes to full rank − 1 (12×… → 11)")
        XCTAssertTrue(state.hasUnsavedChanges)
        XCTAssertEqual(state.step, 1, "⌈5% of 12⌉ = 1")
        state.reduce(.stepUp)
        state.reduce(.rankUp)
        XCTAssertEqual(state.ranks[0], 12, "never above full rank")
        for _ in 0..<20 { state.reduce(.stepDown) }
        XCTAssertEqual(state.ranks[0], 1, "never below 1")
        state.reduce(.resetDense)
        XCTAssertNil(state.ranks[0])
        XCTAssertFalse(state.hasUnsavedChanges)
    }

    func testEnergyRankNeedsTheSpectrum() throws {
        var state = ExplorerState(catalog: try ExplorerFixture.catalog())
        state.reduce(.cycleEnergy)
        XCTAssertNil(state.ranks[0])
        XCTAssertTrue(state.statusText.contains("not computed"), state.statusText)
        let values = (0..<12).map { pow(2.0, -Double($0) / 2) }
        let spectrum = Spectrum(tensorName: state.entries[0].info.name, rows: 40, columns: 12, singularValues: values)
        state.receive(.finished(spectrum, fromCache: false),
                      completed: 1, total: 4)
        state.reduce(.cycleEnergy)
        XCTAssertEqual(state.ranks[0], spectrum.summary.energyRank99)
        XCTAssertEqual(state.progress.completed, 1)
    }

    func testQuitWithoutChangesQuitsAtOnce() throws {
        var state = ExplorerState(catalog: try ExplorerFixture.catalog())
        state.reduce(.quit)
        XCTAssertTrue(state.shouldQuit)
        XCTAssertNil(state.quitDialog)
    }

    func testQuitWithChangesAsksWithCancelFocused() throws {
        var state = ExplorerState(catalog: try ExplorerFixture.catalog())
        state.reduce(.rankDown)
        state.reduce(.quit)
        XCTAssertFalse(state.shouldQuit)
        XCTAssertEqual(state.quitDialog?.focus, .cancel)
        state.reduce(.moveDown)
        XCTAssertEqual(state.selection, 0, "the dialog swallows other actions")
        state.reduce(.activate)
        XCTAssertNil(state.quitDialog, "Enter on the default focus cancels")
        XCTAssertFalse(state.shouldQuit)
        state.reduce(.quit)
        state.reduce(.switchFocus)
        XCTAssertEqual(state.quitDialog?.focus, .quit)
        state.reduce(.activate)
        XCTAssertTrue(state.shouldQuit)
    }

    func testHelpTogglesAndClosesOnEscape() throws {
        var state = ExplorerState(catalog: try ExplorerFixture.catalog())
        state.reduce(.toggleHelp)
        XCTAssertTrue(state.showingHelp)
        state.reduce(.toggleHelp)
        XCTAssertFalse(state.showingHelp)
        state.reduce(.toggleHelp)
        state.reduce(.back)
        XCTAssertFalse(state.showingHelp)
    }

    func testKeyMapDispatchesEveryListedKeyToItsOwnAction() {
        for table in [KeyMap.main, KeyMap.dialog] {
            for binding in table {
                for key in binding.keys {
                    XCTAssertEqual(KeyMap.action(for: key, in: table), binding.action,
                                   "\(KeyBinding.label(for: key)) is shadowed by an earlier binding")
                }
            }
        }
        XCTAssertEqual(KeyMap.action(for: .character("j"), in: KeyMap.main), .moveDown)
        XCTAssertEqual(KeyMap.action(for: .down, in: KeyMap.main), .moveDown)
        XCTAssertEqual(KeyMap.action(for: .home, in: KeyMap.main), .top)
        XCTAssertEqual(KeyMap.action(for: .end, in: KeyMap.main), .bottom)
        XCTAssertEqual(KeyMap.action(for: .character("y"), in: KeyMap.dialog), .confirm)
        XCTAssertNil(KeyMap.action(for: .character("y"), in: KeyMap.main))
    }
}

/// The bounded undo history on its own.
final class ChoiceHistoryTests: XCTestCase {
    func testUndoRedoAndTheBound() {
        var history = ChoiceHistory<Int>(limit: 3)
        var value = 0
        for next in 1...5 {
            history.record(value)
            value = next
        }
        var undone: [Int] = []
        while let previous = history.undo(from: value) {
            undone.append(previous)
            value = previous
        }
        XCTAssertEqual(undone, [4, 3, 2], "only the last 3 steps are kept")
        XCTAssertEqual(history.redo(from: value), 3)
        history.record(3)
        XCTAssertNil(history.redo(from: 9), "a new change clears the redo steps")
    }
}
