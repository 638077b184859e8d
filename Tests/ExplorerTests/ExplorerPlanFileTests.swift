import Explorer
import Foundation
import Planning
import SafeTensors
import TerminalUI
import XCTest

/// Saving and opening plans from the explorer, and the quit dialog following saved state.
final class ExplorerPlanFileTests: XCTestCase {
    func testSaveThenOpenRestoresChoicesLocksAndExclusions() throws {
        let (app, backend) = try ExplorerFixture.readyApp(width: 80, height: 24)
        ExplorerScreens.type(app, [.character("e"), .character("b"), .character("j"), .character("-"), .character("p"),
                                   .end, .character("x")])
        let settings = app.state.settings
        let path = NSTemporaryDirectory() + "rankscope-plan-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        app.handle(.character("w"))
        XCTAssertTrue(backend.lines()[23].hasSuffix("/rankscope-plan.json█"), backend.lines()[23])
        let folder = (app.state.title as NSString).deletingLastPathComponent
        XCTAssertEqual(app.state.prompt?.text, folder + "/rankscope-plan.json", "the default sits next to the checkpoint")
        while !(app.state.prompt?.text.isEmpty ?? true) { app.handle(.backspace) }
        ExplorerScreens.type(app, text: path)
        app.handle(.enter)
        XCTAssertFalse(app.state.hasUnsavedChanges)
        XCTAssertEqual(app.state.statusText, "Saved the plan to \(path).")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.contains("\"rank\": 7"), text)
        XCTAssertTrue(text.contains("\"bits\": 8") || text.contains("\"factor_bits\": 8"), text)
        XCTAssertTrue(text.contains("\"exclude\": true"), text)
        XCTAssertTrue(text.contains("\"lock\": true"), text)
        app.handle(.character("q"))
        XCTAssertTrue(app.state.shouldQuit, "nothing unsaved, so q quits without asking")

        let fresh = InMemoryBackend(width: 80, height: 24)
        let reopened = ExplorerApp(catalog: try catalog(of: app),
                                   backend: fresh, cache: nil, workers: 1)
        XCTAssertTrue(reopened.waitForSpectra())
        reopened.handle(.character("o"))
        while !(reopened.state.prompt?.text.isEmpty ?? true) { reopened.handle(.backspace) }
        ExplorerScreens.type(reopened, text: path)
        reopened.handle(.enter)
        XCTAssertEqual(reopened.state.settings.map(\.effectiveChoice), settings.map(\.effectiveChoice))
        XCTAssertEqual(reopened.state.settings.map(\.mark), settings.map(\.mark))
        XCTAssertFalse(reopened.state.hasUnsavedChanges)
        reopened.handle(.character("u"))
        XCTAssertTrue(reopened.state.hasUnsavedChanges, "undoing the load is a change from the opened plan")
        reopened.finish()
        app.finish()
    }

    func testOpeningABadPlanSaysWhyAndChangesNothing() throws {
        let (app, _) = try ExplorerFixture.readyApp()
        let path = NSTemporaryDirectory() + "rankscope-bad-plan-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("{ \"format\": \"rankscope-plan\", ".utf8).write(to: URL(fileURLWithPath: path))
        app.handle(.character("o"))
        while !(app.state.prompt?.text.isEmpty ?? true) { app.handle(.backspace) }
        ExplorerScreens.type(app, text: path)
        app.handle(.enter)
        XCTAssertTrue(app.state.statusText.contains(path), app.state.statusText)
        XCTAssertFalse(app.state.hasUnsavedChanges)
        app.finish()
    }

    func testAStartingPlanWithAnEnergyRuleWaitsForTheSpectra() throws {
        let rule = PlanRule(pattern: "up_proj", settings: PlanSettings(action: .rank(.energy(0.9))))
        let backend = InMemoryBackend(width: 80, height: 24)
        let app = ExplorerApp(catalog: try ExplorerFixture.catalog(), backend: backend, cache: nil, workers: 1,
                              plan: PlanDocument(rules: [rule], file: "start.json"))
        XCTAssertNotNil(app.state.pendingPlan, "no spectra yet, so the energy rule cannot pick a rank")
        XCTAssertTrue(app.waitForSpectra())
        XCTAssertNil(app.state.pendingPlan)
        let r90 = ExplorerFigures.energyRank(0.9)
        XCTAssertEqual(app.state.ranks, [r90, nil, r90, nil])
        XCTAssertFalse(app.state.hasUnsavedChanges, "the opened plan is the saved state")
        app.handle(.character("q"))
        XCTAssertTrue(app.state.shouldQuit)
        app.finish()
    }

    /// The catalog of the checkpoint `app` shows (the same file, opened again).
    private func catalog(of app: ExplorerApp) throws -> LayerCatalog {
        LayerCatalog(checkpoint: try Checkpoint(path: app.state.title))
    }
}
