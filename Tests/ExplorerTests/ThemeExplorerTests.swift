import XCTest
import Explorer
import TerminalUI

/// The theme given to the explorer reaches its spectrum pane.
final class ThemeExplorerTests: XCTestCase {
    func testSpectrumPaneDrawsInTheAppsTheme() throws {
        let red = Style(foreground: .red)
        let theme = try Theme.parse("chart.line = red\nmarker.r90 = 201 underline\n", fileName: "t.theme")
        let backend = InMemoryBackend(width: 120, height: 30)
        let app = ExplorerApp(catalog: try ExplorerFixture.catalog(), backend: backend, cache: nil, workers: 2, theme: theme)
        XCTAssertTrue(app.waitForSpectra(timeout: 60))
        app.redraw()
        let cells = backend.buffer.cells
        let braille = cells.filter { ($0.character.unicodeScalars.first?.value ?? 0) > 0x2800 }
        XCTAssertTrue(braille.contains { $0.style == red }, "the σ line in the theme's chart.line")
        XCTAssertTrue(cells.contains { $0.style == Style(foreground: .indexed(201), underline: true) }, "the r90 marker")
        XCTAssertEqual(app.state.styles, PaneStyles(theme: theme))
        app.finish()
    }
}
