import Explorer
import Foundation
import XCTest

/// README's key table is the one ``KeyMap/markdownTable()`` generates from the dispatch table.
final class ExplorerKeyTableTests: XCTestCase {
    func testReadmeKeyTableMatchesTheKeyMap() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let table = KeyMap.markdownTable()
        XCTAssertTrue(readme.contains(table),
                      "README.md's explorer key table is out of date; replace it with:\n\(table)")
        XCTAssertEqual(table.split(separator: "\n").count, KeyMap.main.count + 2)
        XCTAssertTrue(table.contains("| `u` | undo |"), table)
    }
}
