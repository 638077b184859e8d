import TerminalUI
import XCTest

/// ``TerminalText/printable(_:)``: controls, format characters and separators escaped, printable
/// text (ASCII and beyond) kept, and escaping twice the same as once.
final class TerminalTextTests: XCTestCase {
    func testEscapesWhatCanDriveATerminal() {
        let cases: [(String, String)] = [
            ("plain.name", "plain.name"), ("a\u{1B}]0;t\u{07}b", "a\\x1B]0;t\\x07b"), ("x\r\ny\tz\0", "x\\r\\ny\\tz\\0"),
            ("\u{7F}\u{9B}2J", "\\x7F\\x9B2J"), ("o\u{202E}p\u{200B}\u{2028}", "o\\u{202E}p\\u{200B}\\u{2028}"),
            ("ünïcode 名前 σ₁", "ünïcode 名前 σ₁"), ("back\\slash", "back\\slash"),
        ]
        for (raw, expected) in cases {
            XCTAssertEqual(TerminalText.printable(raw), expected)
            XCTAssertEqual(TerminalText.printable(TerminalText.printable(raw)), expected, "idempotent")
        }
    }
}
