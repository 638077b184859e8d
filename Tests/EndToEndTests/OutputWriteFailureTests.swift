import Foundation
import XCTest

/// Issue 21, class 14: output into a full device (`/dev/full`) or a closed standard output is one
/// sentence on standard error and exit status 1, for tables, `--json` and `--events` alike — never
/// a trap, never lost with exit 0.
final class OutputWriteFailureTests: CompressTestCase {
    private func run(_ arguments: [String], redirect: String) throws -> Harness.Outcome {
        let quoted = ([Harness.binary] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        return try Harness.run("/bin/sh", ["-c", "exec " + quoted.joined(separator: " ") + " " + redirect],
                               environment: ["XDG_CACHE_HOME": directory + "/cache"])
    }

    func testFullDeviceAndClosedStandardOutputFailWithASentence() throws {
        let commands: [[String]] = [
            ["inspect", input], ["inspect", input, "--json"], ["spectra", input], ["spectra", input, "--json"],
            ["plan", input, "--plan", plan], ["plan", input, "--plan", plan, "--json"],
            CompressFixture.arguments(input, plan, directory + "/a", ["--json"]),
            CompressFixture.arguments(input, plan, directory + "/b", ["--events"]),
            CompressFixture.arguments(input, plan, directory + "/c"),
        ]
        for (index, arguments) in commands.enumerated() {
            for redirect in ["> /dev/full", ">&-"] {
                var arguments = arguments
                if arguments[0] == "compress" { arguments[5] += "-\(redirect.count)" }
                let outcome = try run(arguments, redirect: redirect)
                let label = "\(index) \(arguments.prefix(1)) \(arguments.suffix(1)) \(redirect)"
                XCTAssertEqual(outcome.status, 1, "\(label): \(outcome.stderr)")
                XCTAssertTrue(outcome.stderr.hasPrefix("rankscope: standard output: cannot write"), "\(label): \(outcome.stderr)")
                XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, "\(label): \(outcome.stderr)")
            }
        }
    }
}
