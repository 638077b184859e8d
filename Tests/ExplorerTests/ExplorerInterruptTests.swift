import Explorer
import Foundation
import Planning
import TerminalUI
import XCTest

/// A Ctrl-C (SIGINT) never throws away unsaved work: with unsaved changes it opens the quit
/// dialog, a second one quits, and a signal that ends the explorer leaves the changes in a plan file.
final class ExplorerInterruptTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "rankscope-interrupt-\(UUID().uuidString)"
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A ready app whose unsaved plans go to `directory`, with one rank changed when `change`.
    private func app(changed change: Bool) throws -> (ExplorerApp, InMemoryBackend) {
        let (app, backend) = try ExplorerFixture.readyApp(width: 80, height: 24)
        app.unsavedPlanDirectory = directory
        if change { ExplorerScreens.type(app, [.character("e")]) }
        XCTAssertEqual(app.state.hasUnsavedChanges, change)
        return (app, backend)
    }

    /// The plan files in `directory`.
    private func writtenPlans() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).map { directory + "/" + $0 }
    }

    func testCtrlCWithUnsavedChangesAsksAndASecondOneQuitsKeepingThePlan() throws {
        let (app, backend) = try app(changed: true)
        let expected = app.state.planDocument(file: "expected.json")
        backend.deliver(signal: SIGINT)
        XCTAssertFalse(app.answerTerminationRequest(), "the first Ctrl-C asks")
        XCTAssertNotNil(app.state.quitDialog)
        XCTAssertNil(backend.terminationRequest, "the request is answered, so the next one is a first one again")
        XCTAssertEqual(app.state.statusText, "Unsaved changes: y or Ctrl-C quits, Esc or Enter cancels.")
        XCTAssertTrue(backend.lines().joined(separator: "\n").contains("Discard unsaved changes?"), backend.lines().joined(separator: "\n"))

        app.handle(.escape)
        XCTAssertNil(app.state.quitDialog, "Esc cancels as after q")
        backend.deliver(signal: SIGINT)
        XCTAssertFalse(app.answerTerminationRequest(), "asks again after a cancel")
        backend.deliver(signal: SIGINT)
        XCTAssertTrue(app.answerTerminationRequest(), "a Ctrl-C in the dialog quits")
        app.finish()
        let plans = writtenPlans()
        XCTAssertEqual(plans, app.unsavedPlanPath.map { [$0] }, "one plan file, the one reported")
        XCTAssertNil(app.unsavedPlanProblem)
        XCTAssertEqual(try PlanDocument.load(path: try XCTUnwrap(plans.first)), expected, "the file holds the unsaved choices")
    }

    func testCtrlCWithNothingToLoseQuitsAtOnceAndWritesNothing() throws {
        let (app, backend) = try app(changed: false)
        backend.deliver(signal: SIGINT)
        XCTAssertTrue(app.answerTerminationRequest())
        app.finish()
        XCTAssertEqual(writtenPlans(), [])
        XCTAssertNil(app.unsavedPlanPath)
    }

    func testSIGTERMAndSIGHUPQuitAtOnceButKeepUnsavedChanges() throws {
        for signal in [SIGTERM, SIGHUP] {
            let (app, backend) = try app(changed: true)
            backend.deliver(signal: signal)
            XCTAssertTrue(app.answerTerminationRequest(), "nobody may be there to answer signal \(signal)")
            app.finish()
            let path = try XCTUnwrap(app.unsavedPlanPath, "signal \(signal)")
            XCTAssertEqual(try PlanDocument.load(path: path), app.state.planDocument(file: path))
            try FileManager.default.removeItem(atPath: path)
        }
    }

    func testAnUnwritableFolderIsOneSentenceNotALoss() throws {
        let (app, backend) = try app(changed: true)
        try "a file, not a folder".write(toFile: directory, atomically: true, encoding: .utf8)
        backend.deliver(signal: SIGTERM)
        XCTAssertTrue(app.answerTerminationRequest())
        app.finish()
        XCTAssertNil(app.unsavedPlanPath)
        let problem = try XCTUnwrap(app.unsavedPlanProblem)
        XCTAssertTrue(problem.hasPrefix("the plan's unsaved changes could not be written to \(directory)/"), problem)
    }
}
