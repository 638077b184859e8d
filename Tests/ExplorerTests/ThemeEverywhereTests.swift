import Explorer
import Foundation
import TerminalUI
import XCTest

/// Each shipped theme reaches the title bar, the table (header, selection, marks) and the status
/// line at 80×24. Expected styles are written from the theme files by hand.
final class ThemeEverywhereTests: XCTestCase {
    struct Expectation {
        var file: String
        /// accent, as the title bar's background (reverse video).
        var titleBar: Style
        /// title: the table header.
        var header: Style
        /// selection.
        var selection: Style
        /// status.error: the `x` mark and error messages.
        var error: Style
        /// status.warning: the `!` mark.
        var warning: Style
    }

    static let expectations = [
        Expectation(file: "default.theme", titleBar: Style(foreground: .cyan, reverse: true), header: Style(bold: true),
                    selection: Style(reverse: true), error: Style(foreground: .red), warning: Style(foreground: .yellow)),
        Expectation(file: "light.theme", titleBar: Style(foreground: .indexed(25), reverse: true), header: Style(bold: true),
                    selection: Style(reverse: true), error: Style(foreground: .indexed(160)), warning: Style(foreground: .indexed(130))),
        Expectation(file: "high-contrast.theme", titleBar: Style(foreground: .yellow, bold: true, reverse: true),
                    header: Style(foreground: .yellow, bold: true), selection: Style(foreground: .black, background: .yellow),
                    error: Style(foreground: .indexed(9), bold: true), warning: Style(foreground: .indexed(11), bold: true)),
        Expectation(file: "mono.theme", titleBar: Style(bold: true, reverse: true), header: Style(bold: true),
                    selection: Style(reverse: true), error: Style(bold: true, reverse: true), warning: Style(bold: true)),
    ]

    func testShippedThemesStyleTitleTableMarksAndStatus() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let catalog = try ExplorerFixture.catalog()
        for expected in ThemeEverywhereTests.expectations {
            let theme = try Theme.load(path: root.appendingPathComponent("Themes/" + expected.file).path)
            let backend = InMemoryBackend(width: 80, height: 24)
            let app = ExplorerApp(catalog: catalog, backend: backend, cache: nil, workers: 2, theme: theme)
            defer { app.finish() }
            XCTAssertTrue(app.waitForSpectra(timeout: 60))
            // Rows: 0 header of block 0, 1 mlp.up_proj, 2 attn.q_proj, 3 block 1 … Exclude the first
            // layer, lock the second, then leave the selection on block 1's header.
            ExplorerScreens.type(app, [.character("x"), .character("j"), .character("p"), .character("j")])
            let buffer = backend.buffer
            let lines = backend.lines()
            let name = expected.file
            // Title bar: the fill at the right end (no text there at 80 columns with a two-line header).
            XCTAssertEqual(buffer.cell(x: 79, y: 0)?.style, expected.titleBar, name)
            XCTAssertEqual(buffer.cell(x: 0, y: 0)?.style, expected.titleBar.bolded, "\(name): the program name")
            guard let headerY = lines.firstIndex(where: { $0.contains("layer") && $0.contains("rank") }),
                  let upY = lines.firstIndex(where: { $0.contains("0 mlp.up_proj") }),
                  let qY = lines.firstIndex(where: { $0.contains("0 attn.q_proj") }),
                  let block1Y = lines.firstIndex(where: { $0.contains("block 1 (") }) else {
                return XCTFail("\(name): rows missing:\n\(lines.joined(separator: "\n"))")
            }
            let layerX = lines[headerY].range(of: "layer").map { lines[headerY].distance(from: lines[headerY].startIndex, to: $0.lowerBound) } ?? 0
            XCTAssertEqual(buffer.cell(x: layerX, y: headerY)?.style, expected.header, "\(name): table header")
            XCTAssertEqual(buffer.cell(x: 1, y: upY)?.character, "x")
            XCTAssertEqual(buffer.cell(x: 1, y: upY)?.style, expected.error, "\(name): excluded mark")
            XCTAssertEqual(buffer.cell(x: 1, y: qY)?.character, "!")
            XCTAssertEqual(buffer.cell(x: 1, y: qY)?.style, expected.warning, "\(name): locked mark")
            XCTAssertEqual(buffer.cell(x: 5, y: block1Y)?.style, expected.selection, "\(name): selected row")
            // An error in the status line.
            ExplorerScreens.type(app, [.character("o"), .ctrl("u")])
            ExplorerScreens.type(app, text: "/no/such/plan.json")
            app.handle(.enter)
            XCTAssertEqual(app.state.statusTone, .error)
            XCTAssertEqual(backend.buffer.cell(x: 0, y: 23)?.style, expected.error, "\(name): error message")
        }
    }
}
