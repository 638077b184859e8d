import XCTest
import TerminalUI

/// Compares a buffer's rows with an expected screen (trailing spaces ignored on both sides),
/// like ratatui's `assert_buffer_lines`, printing both screens on mismatch.
func assertBufferLines(_ buffer: CellBuffer, _ expected: [String], file: StaticString = #filePath, line: UInt = #line) {
    func trim(_ s: String) -> String { var t = s; while t.last == " " { t.removeLast() }; return t }
    let actual = buffer.lines()
    let want = expected.map(trim)
    if actual != want {
        XCTFail("buffer mismatch\n--- actual ---\n" + actual.map { "|\($0)|" }.joined(separator: "\n")
                + "\n--- expected ---\n" + want.map { "|\($0)|" }.joined(separator: "\n"), file: file, line: line)
    }
}
