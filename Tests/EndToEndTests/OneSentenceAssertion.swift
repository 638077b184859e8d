import XCTest

extension XCTestCase {
    /// Runs `rankscope inspect ARGS` and `rankscope spectra ARGS` and asserts each fails the way
    /// bad input must: exit status 1, exactly one line on stderr naming `fileName` and mentioning
    /// `mentions` (case-insensitive), nothing on stdout.
    func assertOneSentence(cacheHome: String, _ arguments: [String], naming fileName: String, mentions: String,
                           file: StaticString = #filePath, line: UInt = #line) throws {
        for command in [["inspect"], ["spectra"]] {
            let outcome = try Harness.rankscope(command + arguments, cacheHome: cacheHome)
            XCTAssertEqual(outcome.status, 1, "\(command) \(arguments): \(outcome.stderr)", file: file, line: line)
            let lines = outcome.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "exactly one line: \(outcome.stderr)", file: file, line: line)
            XCTAssertTrue(outcome.stderr.contains(fileName), "names \(fileName): \(outcome.stderr)", file: file, line: line)
            XCTAssertTrue(outcome.stderr.lowercased().contains(mentions.lowercased()), "mentions '\(mentions)': \(outcome.stderr)", file: file, line: line)
            XCTAssertTrue(outcome.stdout.isEmpty, "nothing on stdout: \(outcome.stdout)", file: file, line: line)
            XCTAssertFalse(outcome.stderr.contains("Fatal error"), "no trace: \(outcome.stderr)", file: file, line: line)
        }
    }
}
