import Explorer
import Foundation
import TerminalUI
import XCTest

/// The key tables in docs/explorer.md are the ones ``KeyMap/markdownTable()`` generates from every mode's
/// dispatch table; `RANKSCOPE_RECORD_SNAPSHOTS=1` rewrites them (and fails, so a recording is
/// never mistaken for a pass).
final class ExplorerKeyTableTests: XCTestCase {
    static let begin = "<!-- key tables: generated from KeyMap by ExplorerKeyTableTests -->\n"
    static let end = "<!-- end of key tables -->"

    func testDocsKeyTablesMatchTheKeyMap() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let url = root.appendingPathComponent("docs/explorer.md")
        let page = try String(contentsOf: url, encoding: .utf8)
        let table = KeyMap.markdownTable()
        let start = try XCTUnwrap(page.range(of: Self.begin), "docs/explorer.md lacks the key-table marker")
        let stop = try XCTUnwrap(page.range(of: Self.end, range: start.upperBound..<page.endIndex))
        let current = String(page[start.upperBound..<stop.lowerBound])
        if ProcessInfo.processInfo.environment["RANKSCOPE_RECORD_SNAPSHOTS"] == "1", current != "\n" + table + "\n" {
            try page.replacingCharacters(in: start.upperBound..<stop.lowerBound, with: "\n" + table + "\n")
                .write(to: url, atomically: true, encoding: .utf8)
            XCTFail("recorded docs/explorer.md's key tables; run again without RANKSCOPE_RECORD_SNAPSHOTS")
            return
        }
        XCTAssertEqual(current, "\n" + table + "\n",
                       "docs/explorer.md's key tables are out of date: RANKSCOPE_RECORD_SNAPSHOTS=1 swift test --filter ExplorerKeyTableTests")
        let rows = KeyMap.sections.map(\.bindings.count).reduce(0, +)
        XCTAssertEqual(table.split(separator: "\n").filter { $0.hasPrefix("| `") }.count, rows)
        XCTAssertTrue(table.contains("| `u` | undo |"), table)
        XCTAssertTrue(table.contains("| `Esc` | clear the filter |"), "browsing's Esc says what it does there: \(table)")
        XCTAssertTrue(table.contains("| `PgDn` | backbone bits none → 4 → 3 → 2 (CALDERA) |"), "the budget panel's keys are listed")
    }

    /// Every key the prompt and the budget panel handle specially is a row of their table, so
    /// help cannot miss one: Esc, Ctrl-C and Ctrl-G cancel both; Enter submits both.
    func testPromptAndBudgetKeysDispatchThroughTheirTables() {
        for key in [KeyEvent.escape, .ctrlC, .ctrl("g")] {
            XCTAssertEqual(KeyMap.action(for: key, in: KeyMap.prompt), .cancel)
            XCTAssertEqual(KeyMap.action(for: key, in: KeyMap.budget), .cancel)
        }
        var field = TextPrompt(.filter, text: "ab")
        XCTAssertEqual(field.edit(.backspace), .editing)
        XCTAssertEqual(field.text, "a")
        XCTAssertEqual(field.edit(.enter), .submitted)
        var panel = BudgetPanel()
        XCTAssertEqual(panel.press(.down), .editing)
        XCTAssertEqual(panel.factorBits, 8, "↓ is fewer bits: 16 → 8")
        XCTAssertEqual(panel.press(.character("5")), .editing)
        XCTAssertEqual(panel.text, "5")
        XCTAssertEqual(panel.press(.ctrl("u")), .editing)
        XCTAssertEqual(panel.text, "")
    }
}
