import Explorer
import Planning
import TerminalUI
import XCTest

/// Tuning keys on the ready fixture: energy cycle, group and role copies, locks, exclusions,
/// typed-rank syntax, clicks; parameters checked against Σ(m+n)k computed here.
final class ExplorerTuningTests: XCTestCase {
    private typealias F = ExplorerFigures

    func testEnergyKeyCyclesThroughTheTargets() throws {
        let (app, _) = try ExplorerFixture.readyApp()
        var seen: [Int?] = []
        for _ in 0..<4 {
            app.handle(.character("e"))
            seen.append(app.state.ranks[0])
        }
        let expected = [F.energyRank(0.99), F.energyRank(0.999), F.energyRank(0.90), F.energyRank(0.99)]
        XCTAssertEqual(seen, expected)
        XCTAssertEqual(expected, [7, 10, 4, 7])
        XCTAssertTrue(app.state.statusText.contains("keeps 99% of the energy"), app.state.statusText)
        app.finish()
    }

    func testGroupAndRoleCopiesSkipLockedLayersAndFitFullRank() throws {
        let (app, _) = try ExplorerFixture.readyApp()
        app.handle(.character("="))
        ExplorerScreens.type(app, text: "e99.9")
        app.handle(.enter)
        XCTAssertEqual(app.state.ranks[0], 10)
        app.handle(.character("g"))
        XCTAssertEqual(app.state.ranks, [10, 10, nil, nil], "block 0's q_proj (12×12) takes rank 10 too")
        XCTAssertEqual(app.state.totals.model.parametersAfter, F.parametersAfter([10, 10, nil, nil]))
        // Lock 1 attn.q_proj, then copy 0 mlp.up_proj's choice to every up_proj: block 1's changes.
        ExplorerScreens.type(app, [.end, .character("p"), .home, .character("j"), .character("G")])
        XCTAssertEqual(app.state.ranks, [10, 10, 10, nil])
        // On block 0's header, - lowers both of its layers at once.
        ExplorerScreens.type(app, [.home, .character("-")])
        XCTAssertEqual(app.state.ranks, [9, 9, 10, nil])
        XCTAssertEqual(app.state.totals.model.parametersAfter, F.parametersAfter([9, 9, 10, nil]))
        // A locked layer refuses changes and says how to unlock it.
        app.handle(.end)
        app.handle(.character("-"))
        XCTAssertNil(app.state.ranks[3])
        XCTAssertTrue(app.state.statusText.contains("locked; p unlocks"), app.state.statusText)
        app.finish()
    }

    func testExcludedLayersCountAsStoredAndComeBackWithTheirChoice() throws {
        let (app, backend) = try ExplorerFixture.readyApp(width: 80, height: 24)
        app.handle(.character("e"))
        XCTAssertEqual(app.state.totals.model.parametersAfter, F.parametersAfter([7, nil, nil, nil]))
        app.handle(.character("x"))
        XCTAssertEqual(app.state.settings[0].mark, .excluded)
        XCTAssertEqual(app.state.totals.model.parametersAfter, F.parametersBefore())
        XCTAssertTrue(ExplorerScreens.tablePane(backend, width: 44)[5].hasPrefix("│x*   0 mlp.up_proj    dense"),
                      ExplorerScreens.tablePane(backend, width: 44)[5])
        app.handle(.character("x"))
        XCTAssertEqual(app.state.ranks[0], 7, "including it again restores its rank")
        app.handle(.character("p"))
        XCTAssertTrue(ExplorerScreens.tablePane(backend, width: 44)[5].hasPrefix("│!*"))
        app.finish()
    }

    func testTypedRankSyntax() {
        XCTAssertEqual(try RankEntry.parse("12").get(), .rule(.exact(12)))
        XCTAssertEqual(try RankEntry.parse(" 25% ").get(), .rule(.fraction(0.25)))
        XCTAssertEqual(try RankEntry.parse("e99").get(), .rule(.energy(0.99)))
        XCTAssertEqual(try RankEntry.parse("99.9e").get(), .rule(.energy(0.999)))
        XCTAssertEqual(try RankEntry.parse("dense").get(), .dense)
        for bad in ["", "-3", "abc", "120%", "e0", "e101"] {
            XCTAssertThrowsError(try RankEntry.parse(bad).get(), bad)
        }
    }

    func testATypedRankAboveFullRankIsRefusedWithASentence() throws {
        let (app, _) = try ExplorerFixture.readyApp()
        app.handle(.character("="))
        ExplorerScreens.type(app, text: "13")
        app.handle(.enter)
        XCTAssertNil(app.state.ranks[0])
        XCTAssertTrue(app.state.statusText.contains("above the full rank 12"), app.state.statusText)
        app.handle(.character("="))
        ExplorerScreens.type(app, text: "xyz")
        app.handle(.enter)
        XCTAssertTrue(app.state.statusText.contains("is not a rank"), app.state.statusText)
        app.finish()
    }

    func testClickSelectsTheRowUnderTheMouse() throws {
        let (app, backend) = try ExplorerFixture.readyApp(width: 80, height: 24)
        let y = try XCTUnwrap(backend.lines().firstIndex { $0.contains("1 attn.q_proj") })
        app.handle(.click(x: 10, y: y))
        XCTAssertEqual(app.state.cursor, .layer(3))
        XCTAssertTrue(ExplorerFixture.highlightedRows(backend)[0].contains("1 attn.q_proj"))
        let header = try XCTUnwrap(backend.lines().firstIndex { $0.contains("block 1") })
        app.handle(.click(x: 10, y: header))
        app.handle(.click(x: 10, y: header))
        XCTAssertTrue(app.state.folded.contains(1), "a click on the selected header folds it")
        app.handle(.click(x: 70, y: 5))
        XCTAssertEqual(app.state.cursor, .group(1), "clicks outside the table do nothing")
        app.finish()
    }
}
