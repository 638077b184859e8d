import Explorer
import Foundation
import TerminalUI
import XCTest

/// Issue 21, class 2: the explorer's `w` refuses to save a plan over the checkpoint it shows.
final class ExplorerOutputGuardTests: XCTestCase {
    func testSavingOverTheCheckpointIsRefused() throws {
        let (app, _) = try ExplorerFixture.readyApp(width: 100, height: 24)
        let model = app.state.title
        let before = try Data(contentsOf: URL(fileURLWithPath: model))
        let link = NSTemporaryDirectory() + "rankscope-link-\(UUID().uuidString).safetensors"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: model)
        defer { try? FileManager.default.removeItem(atPath: link) }
        for target in [model, link] {
            app.handle(.character("w"))
            while !(app.state.prompt?.text.isEmpty ?? true) { app.handle(.backspace) }
            ExplorerScreens.type(app, text: target)
            app.handle(.enter)
            XCTAssertTrue(app.state.statusText.contains("never overwrites"), app.state.statusText)
            XCTAssertEqual(app.state.statusTone, .error)
            XCTAssertNil(app.state.planPath)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: model)), before, "the checkpoint is untouched")
        app.finish()
    }
}
