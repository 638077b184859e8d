import XCTest
import TerminalUI

final class ThemeTests: XCTestCase {
    func testLoadsRepositoryDefaultTheme() throws {
        let root = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false).dropLast(3).joined(separator: "/")
        let theme = try Theme.load(path: root + "/Themes/default.theme")
        XCTAssertEqual(theme["accent"], .cyan)
        XCTAssertEqual(theme["chart.rank"], .yellow)
        XCTAssertEqual(theme["background"], .default)
        XCTAssertEqual(theme.style(foreground: "status.error").foreground, .red)
    }

    func testCommentsBlankLinesUnknownKeysAndNumbers() throws {
        let theme = try Theme.parse("""
            # comment
              
            weird.future.key = 200   # trailing comment
            accent=Blue
            accent = 7
            """, fileName: "t.theme")
        XCTAssertEqual(theme["weird.future.key"], .indexed(200))
        XCTAssertEqual(theme["accent"], .indexed(7))  // last one wins
        XCTAssertEqual(theme.colors.count, 2)
        XCTAssertEqual(theme.color("missing", default: .green), .green)
    }

    func testMalformedLinesNameFileAndLine() {
        let cases: [(String, Int)] = [
            ("a = red\nnot a pair\n", 2),
            ("a = red\n\nb = 256\n", 3),
            ("= red", 1),
            ("two words = red", 1),
            ("a = grene", 1),
            ("a =", 1),
            ("# c\nok = bold\n\nb = red green\n", 4),
            ("a = on", 1),
            ("a = red on nothing", 1),
            ("a = blinking", 1),
        ]
        for (text, line) in cases {
            XCTAssertThrowsError(try Theme.parse(text, fileName: "bad.theme"), text) { error in
                guard case let ThemeError.malformedLine(file, l, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(file, "bad.theme")
                XCTAssertEqual(l, line, text)
                XCTAssertTrue("\(error)".hasPrefix("bad.theme:\(line): "), "\(error)")
            }
        }
    }

    func testMissingFileIsUnreadable() {
        XCTAssertThrowsError(try Theme.load(path: "/nonexistent/dir/x.theme")) { error in
            guard case ThemeError.unreadable(let file, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, "/nonexistent/dir/x.theme")
            XCTAssertTrue("\(error)".hasPrefix("/nonexistent/dir/x.theme: cannot read theme file: "), "\(error)")
        }
    }

    func testValuesCombineColourBackgroundAndAttributes() throws {
        let theme = try Theme.parse("""
            a = yellow bold
            b = bold underline
            c = on 236 reverse 15
            d = Dim
            """, fileName: "t.theme")
        XCTAssertEqual(theme.style("a"), Style(foreground: .yellow, bold: true))
        XCTAssertEqual(theme.style("b"), Style(bold: true, underline: true))
        XCTAssertEqual(theme.style("c"), Style(foreground: .indexed(15), background: .indexed(236), reverse: true))
        XCTAssertEqual(theme.style("d"), Style(dim: true))
        XCTAssertEqual(theme["a"], .yellow)
        XCTAssertEqual(theme.style("missing", default: Style(bold: true)), Style(bold: true))
    }

    func testErrorSentenceNamesTheProblem() {
        XCTAssertThrowsError(try Theme.parse("x = red\nchart.line = grene\n", fileName: "Themes/my.theme")) { error in
            XCTAssertEqual("\(error)", "Themes/my.theme:2: unknown colour \"grene\" for \"chart.line\" (use default, a colour name such as red, 0-255, on COLOUR, or bold/dim/reverse/underline)")
        }
    }
}
