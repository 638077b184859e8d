@testable import Explorer
import Foundation
import Planning
import TerminalUI
import XCTest

/// The reducer's seams: one ``ExplorerMode`` at a time, keys return an ``ExplorerUpdate`` (a
/// status message and effects) and never touch the disk or start a process themselves.
final class ExplorerModeTests: XCTestCase {
    private func typing(_ state: inout ExplorerState, _ text: String) -> ExplorerUpdate {
        var last = ExplorerUpdate.none
        for c in text { last = state.press(.character(c)) }
        return last
    }

    private func clearPrompt(_ state: inout ExplorerState) {
        state.press(.ctrl("u"))
        XCTAssertEqual(state.prompt?.text, "")
    }

    func testSavingReturnsTheDocumentAsAnEffectAndWritesNothing() throws {
        var state = ExplorerState(catalog: try ExplorerFixture.catalog())
        state.reduce(.rankDown)
        state.press(.character("w"))
        XCTAssertEqual(state.mode, .prompt(TextPrompt(.savePath, text: state.defaultPlanPath)))
        clearPrompt(&state)
        let path = NSTemporaryDirectory() + "rankscope-never-written-\(UUID().uuidString).json"
        _ = typing(&state, path)
        let update = state.press(.enter)
        XCTAssertEqual(update.effects, [.savePlan(state.planDocument(file: path), path: path)])
        XCTAssertEqual(state.mode, .browsing)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "the reducer does no file I/O")
        XCTAssertTrue(state.hasUnsavedChanges, "saved only once the app reports it")
        let saved = state.receive(.planSaved(path: path))
        XCTAssertEqual(saved.status, StatusMessage("Saved the plan to \(path)."))
        XCTAssertEqual(state.statusText, "Saved the plan to \(path).")
        XCTAssertFalse(state.hasUnsavedChanges)
        XCTAssertEqual(state.planPath, path)
        state.receive(.planNotSaved(path: "/x", reason: "the disk is full"))
        XCTAssertEqual(state.statusText, "Could not save /x: the disk is full")
        XCTAssertEqual(state.statusTone, .error)
    }

    func testOpeningReturnsAnEffectAndAppliesWhatTheAppReads() throws {
        var state = ExplorerState(catalog: try ExplorerFixture.catalog())
        state.press(.character("o"))
        clearPrompt(&state)
        _ = typing(&state, "  /no/such/plan.json ")
        XCTAssertEqual(state.press(.enter).effects, [.openPlan(path: "/no/such/plan.json")], "the path is trimmed")
        XCTAssertEqual(state.settings, state.savedSettings)
        let update = state.receive(.planNotOpened(reason: "/no/such/plan.json: no such file."))
        XCTAssertEqual(update.status, StatusMessage("/no/such/plan.json: no such file.", tone: .error))

        var document = ExplorerState(catalog: try ExplorerFixture.catalog()).planDocument(file: "p.json")
        var other = ExplorerState(catalog: try ExplorerFixture.catalog())
        other.reduce(.rankDown)
        document = other.planDocument(file: "p.json")
        state.receive(.planOpened(document))
        XCTAssertEqual(state.ranks, other.ranks)
        XCTAssertEqual(state.planPath, "p.json")
        XCTAssertFalse(state.hasUnsavedChanges, "an opened plan is the saved state")
        XCTAssertTrue(state.statusText.hasPrefix("Loaded p.json: 1 layers changed."), state.statusText)
    }

    func testCompressingAndCancellingAreEffects() throws {
        var state = ExplorerState(catalog: try ExplorerFixture.catalog())
        XCTAssertEqual(state.press(.character("c")).status?.tone, .warning, "nothing to compress yet")
        XCTAssertEqual(state.mode, .browsing)
        state.reduce(.rankDown)
        state.press(.character("c"))
        clearPrompt(&state)
        _ = typing(&state, "-x")
        let start = state.press(.enter)
        XCTAssertEqual(start.effects, [.startJob(outputFolder: "-x")])
        XCTAssertEqual(state.viewMode, .jobs)
        XCTAssertEqual(state.job?.isRunning, true)
        let cancel = state.press(.character("C"))
        XCTAssertEqual(cancel.effects, [.cancelJob])
        XCTAssertEqual(cancel.status?.tone, .warning)
        state.receive(.jobNotStarted(reason: "no compress command."))
        XCTAssertEqual(state.statusText, "Compression failed: no compress command.")
    }

    func testOneModeAtATime() throws {
        var state = ExplorerState(catalog: try ExplorerFixture.catalog())
        state.reduce(.rankDown)
        state.press(.character("a"))
        XCTAssertEqual(state.mode, .budget(BudgetPanel()))
        state.press(.character("q"))
        XCTAssertEqual(state.budgetPanel?.text, "q", "the panel types, q does not quit from it")
        state.press(.escape)
        XCTAssertEqual(state.mode, .browsing)
        XCTAssertEqual(state.statusText, "Budget panel closed.")
        state.press(.character("?"))
        XCTAssertEqual(state.mode, .help(offset: 0))
        state.press(.character("j"))
        XCTAssertEqual(state.mode, .help(offset: 1))
        let quit = state.press(.character("q"))
        XCTAssertEqual(state.mode, .quitting(QuitDialog(unsavedChanges: true)), "q from help asks, since a rank changed")
        XCTAssertEqual(quit.status?.tone, .warning)
        state.press(.escape)
        XCTAssertEqual(state.mode, .browsing)
        XCTAssertFalse(state.shouldQuit)
        state.press(.character("?"))
        state.press(.character("d"))
        XCTAssertEqual(state.mode, .browsing, "another key closes help and acts")
        XCTAssertNil(state.ranks[0], "d kept the layer dense")
    }

    func testEscWhileBrowsingClearsTheFilter() throws {
        var state = ExplorerState(catalog: try ExplorerFixture.catalog())
        state.press(.character("/"))
        _ = typing(&state, "up_proj")
        state.press(.enter)
        XCTAssertEqual(state.rows.compactMap(\.layerIndex), [0, 2])
        XCTAssertEqual(state.press(.escape).status, StatusMessage("Filter cleared."))
        XCTAssertEqual(state.rows.compactMap(\.layerIndex), [0, 1, 2, 3])
        XCTAssertEqual(state.press(.escape), .none, "nothing to clear")
    }

    /// Issue 21, class 15: `^(\w+\.?)*$x` backtracked for over a second per name such as
    /// `model.layers.0.self_attn.q_proj.weight` under NSRegularExpression (minutes on longer
    /// ones); the filter's BoundedRegex answers at once, a pattern beyond the dialect's limits is
    /// refused with a sentence keeping the last good filter, and q still quits.
    func testABacktrackingFilterAnswersAtOnce() throws {
        var state = ExplorerState(catalog: try ExplorerFixture.catalog())
        state.press(.character("/"))
        _ = typing(&state, "proj")
        XCTAssertEqual(state.filterText, "proj")
        state.press(.ctrl("u"))
        _ = typing(&state, #"^(\w+\.?)*$"#)
        XCTAssertEqual(state.filterText, #"^(\w+\.?)*$"#)
        let started = Date()
        let update = state.press(.character("x"))
        XCTAssertLessThan(Date().timeIntervalSince(started), 0.5)
        XCTAssertEqual(update.status, StatusMessage(#"No layer matches /^(\w+\.?)*$x/."#))
        state.press(.ctrl("u"))
        _ = typing(&state, "proj")
        let huge = state.press(.character("("))
        XCTAssertTrue(huge.status?.text.hasPrefix("Not a valid regular expression: /proj(/") ?? false, "\(huge)")
        XCTAssertEqual(state.filterText, "proj", "the last good filter stays")
        state.press(.escape)
        XCTAssertEqual(state.filterText, "", "Esc goes back to the filter before the prompt")
        state.press(.character("q"))
        XCTAssertTrue(state.shouldQuit)
    }

    func testAFilterPastItsStepBudgetIsRefused() throws {
        guard case .failure(.tooSlow(let problem)) = NameFilter.matches("b", in: ["aaaaaaaa", "aaaaaaab"], steps: 3) else {
            return XCTFail("three steps cannot search eight characters")
        }
        XCTAssertFalse(problem.isEmpty)
        XCTAssertEqual(NameFilter.matches("b", in: ["aaaaaaaa", "aaaaaaab"]), .success([false, true]))
    }

    func testABurstDefersTheLiveFilterToItsLastKey() throws {
        var state = ExplorerState(catalog: try ExplorerFixture.catalog())
        state.press(.character("/"))
        for c in "up_pro" { XCTAssertEqual(state.press(.character(c), live: false), .none) }
        XCTAssertEqual(state.filterText, "", "not filtered yet")
        state.press(.character("j"))
        XCTAssertEqual(state.filterText, "up_proj")
        XCTAssertEqual(state.rows.compactMap(\.layerIndex), [0, 2])
    }
}
