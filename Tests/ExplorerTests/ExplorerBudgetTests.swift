import Explorer
import Planning
import TerminalUI
import XCTest

/// The budget panel: targets typed in human units, the allocator honouring locks and
/// exclusions, the result applied as one undo step; figures recomputed here by hand.
final class ExplorerBudgetTests: XCTestCase {
    private typealias F = ExplorerFigures
    private func runBudget(_ app: ExplorerApp, tabs: Int = 0, _ value: String) {
        app.handle(.character("a"))
        for _ in 0..<tabs { app.handle(.tab) }
        while !(app.state.budgetPanel?.text.isEmpty ?? true) { app.handle(.backspace) }
        ExplorerScreens.type(app, text: value)
        app.handle(.enter)
    }

    func testParameterTargetHonoursLocksAndExclusionsAsOneUndoStep() throws {
        let (app, backend) = try ExplorerFixture.readyApp(width: 80, height: 24)
        // Lock 0 attn.q_proj at rank 5 and exclude 1 attn.q_proj.
        ExplorerScreens.type(app, [.character("j"), .character("=")])
        ExplorerScreens.type(app, text: "5")
        ExplorerScreens.type(app, [.enter, .character("p"), .end, .character("x"), .home])
        runBudget(app, "1k")
        let ranks = app.state.ranks
        XCTAssertEqual(ranks[1], 5, "locked")
        XCTAssertNil(ranks[3], "excluded")
        XCTAssertLessThanOrEqual(F.parametersAfter(ranks), 1000)
        XCTAssertEqual(app.state.totals.model.parametersAfter, F.parametersAfter(ranks))
        // With 1000 − 108 − 120 − 144 = 628 parameters for the two 40×12 matrices (52 per rank, equal
        // spectra), the best is 6 ranks each (624).
        XCTAssertEqual(ranks[0], 6)
        XCTAssertEqual(ranks[2], 6)
        let screen = backend.lines().joined(separator: "\n")
        XCTAssertTrue(screen.contains("free 2 · locked 1 (p) · excluded 1 (x) · factors 16-bit"), screen)
        XCTAssertTrue(screen.contains("params 1.4K → \(F.parametersAfter(ranks))"), screen)
        // The excluded row's energy counts in no error total (as in `rankscope plan`): 3 matrices' energy.
        XCTAssertTrue(screen.contains("error " + F.percent(F.relativeError(ranks, matrices: 3))), screen)
        XCTAssertTrue(screen.contains("uniform ranks"), screen)
        app.handle(.escape)
        XCTAssertNil(app.state.budgetPanel)
        app.handle(.character("u"))
        XCTAssertEqual(app.state.ranks, [nil, 5, nil, nil], "one u takes the whole allocation back")
        app.finish()
    }

    func testErrorTargetAndProblemsAreShownInThePanel() throws {
        let (app, backend) = try ExplorerFixture.readyApp(width: 160, height: 40)
        runBudget(app, tabs: 3, "5%")
        let ranks = app.state.ranks
        XCTAssertLessThanOrEqual(F.relativeError(ranks), 0.05)
        XCTAssertFalse(app.state.budgetPanel?.failed ?? true)
        app.handle(.escape)
        runBudget(app, tabs: 1, "lots")
        XCTAssertTrue(backend.lines().joined().contains("'lots' is not a size"), backend.lines().joined(separator: "\n"))
        app.handle(.escape)
        runBudget(app, tabs: 3, "10")
        XCTAssertTrue(backend.lines().joined().contains("between 0% and 100%"))
        app.handle(.escape)
        runBudget(app, tabs: 1, "10")
        XCTAssertTrue(app.state.budgetPanel?.failed ?? false)
        XCTAssertTrue(backend.lines().joined().contains("cannot be met"), backend.lines().joined(separator: "\n"))
        XCTAssertEqual(app.state.ranks, ranks, "a failed run changes nothing")
        app.finish()
    }

    func testFactorBitsApplyToTheAllocatedLayers() throws {
        let (app, _) = try ExplorerFixture.readyApp()
        app.handle(.character("a"))
        ExplorerScreens.type(app, [.down, .down])
        XCTAssertEqual(app.state.budgetPanel?.factorBits, 4, "16 → 8 → 4")
        ExplorerScreens.type(app, text: "4")
        app.handle(.tab)
        app.handle(.tab)
        app.handle(.enter)
        let choices = app.state.settings.map(\.choice).filter { $0.rank != nil }
        XCTAssertFalse(choices.isEmpty, app.state.budgetPanel?.outcome.joined(separator: "\n") ?? "")
        for choice in choices {
            guard case let .lowRank(_, factorBits, _, _, _) = choice else { continue }
            XCTAssertEqual(factorBits, 4)
        }
        app.finish()
    }

    func testTargetsReadHumanUnits() {
        XCTAssertEqual(try BudgetEntry.target(.parameters, "13.2B").get(), .parameters(13_200_000_000))
        XCTAssertEqual(try BudgetEntry.target(.bytes, "8GB").get(), .bytes(8_000_000_000))
        XCTAssertEqual(try BudgetEntry.target(.bytes, "1 GiB").get(), .bytes(1 << 30))
        XCTAssertEqual(try BudgetEntry.target(.bitsPerWeight, "4.5").get(), .bitsPerWeight(4.5))
        XCTAssertEqual(try BudgetEntry.target(.relativeError, "2%").get(), .relativeError(0.02))
        XCTAssertEqual(try BudgetEntry.target(.relativeError, "0.02").get(), .relativeError(0.02))
        XCTAssertThrowsError(try BudgetEntry.target(.bitsPerWeight, "-1").get())
        XCTAssertThrowsError(try BudgetEntry.target(.parameters, "").get())
    }
}
