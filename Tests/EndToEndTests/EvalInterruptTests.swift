import Foundation
import PythonOracle
import XCTest

/// Ctrl-C during `rankscope eval` stops at the next block of a forward pass, says in one line how
/// far it got (a partial perplexity named as such), exits 130 and prints nothing on standard
/// output but the protocol lines so far and `cancelled` (never `finished`).
final class EvalInterruptTests: XCTestCase {
    /// A text of the fixture's words long enough that the tiny models take a while:
    /// 40,000 tokens, 2,500 windows of 16 (about a second per model in a debug build, so that the
    /// signal comes well before the end even on a loaded machine).
    private static func longText(in fixture: EvalFixture) throws -> String {
        let path = fixture.folder + "/long.txt"
        let words = (0..<40_000).map { "w\(1 + ($0 * 7) % 49)" }
        try stride(from: 0, to: words.count, by: 12).map { words[$0..<min($0 + 12, words.count)].joined(separator: " ") }
            .joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs `rankscope ARGS`, sends SIGINT as soon as a line of standard output contains `trigger`,
    /// and returns the exit status and both outputs.
    private func interrupted(_ arguments: [String], cacheHome: String, when trigger: String) throws -> (status: Int32, stdout: [String], stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Harness.binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["XDG_CACHE_HOME": cacheHome]) { $1 }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        var text = Data()
        while !String(decoding: text, as: UTF8.self).contains(trigger) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += chunk
        }
        process.interrupt()
        text += output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: text, as: UTF8.self).split(separator: "\n").map(String.init), message)
    }

    func testCtrlCStopsEvalWithOneLineAndStatus130() throws {
        try EvalFixture.with { fixture in
            let model = fixture.model("gpt2"), text = try EvalInterruptTests.longText(in: fixture), plan = fixture.folder + "/plan.json"
            let planned = try Harness.rankscope(["plan", model, "--target-params", "90%", "--out", plan], cacheHome: fixture.cache)
            XCTAssertEqual(planned.status, 0, planned.stderr)
            let common = ["eval", model, "--text", text, "--seq-len", "16", "--plan", plan, "--events"]

            // In the original's passes: its perplexity over the windows done, as a partial figure.
            var run = try interrupted(common, cacheHome: fixture.cache, when: #""model":"original","completed":4,"#)
            XCTAssertEqual(run.status, 130, run.stderr)
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
            XCTAssertTrue(run.stderr.hasPrefix("rankscope: interrupted after "), run.stderr)
            XCTAssertTrue(run.stderr.contains(" of 2500 windows of the original model; its perplexity over those "), run.stderr)
            XCTAssertTrue(run.stderr.contains("a partial figure, not the result."), run.stderr)
            var last = try XCTUnwrap(try Harness.json(try XCTUnwrap(run.stdout.last)) as? [String: Any])
            XCTAssertEqual(last["event"] as? String, "cancelled")
            XCTAssertEqual(last["message"] as? String, String(run.stderr.dropFirst("rankscope: ".count).dropLast()))
            XCTAssertFalse(run.stdout.contains { $0.contains(#""finished""#) }, "\(run.stdout.suffix(3))")

            // In the candidate's passes: the original's whole figure, and the candidate's partial one.
            run = try interrupted(common, cacheHome: fixture.cache, when: #""model":"candidate","completed":4,"#)
            XCTAssertEqual(run.status, 130, run.stderr)
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
            XCTAssertTrue(run.stderr.contains(" of 2500 windows of the candidate: the original's perplexity over all 2500 windows is "), run.stderr)
            XCTAssertTrue(run.stderr.contains("; the candidate's over the first "), run.stderr)
            last = try XCTUnwrap(try Harness.json(try XCTUnwrap(run.stdout.last)) as? [String: Any])
            XCTAssertEqual(last["event"] as? String, "cancelled")
            XCTAssertFalse(run.stdout.contains { $0.contains(#""finished""#) }, "\(run.stdout.suffix(3))")
        }
    }
}
