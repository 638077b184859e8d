import Foundation
import PythonOracle
import XCTest

/// The shared Python runner: arguments in, standard output back, and a failure that names the
/// snippet, where it ran, its status and Python's own error; a snippet that leaves a process
/// behind does not hang the test.
final class PythonOracleTests: XCTestCase {
    func testArgumentsReachTheSnippetAndStandardOutputComesBack() throws {
        let output = try PythonOracle.run("import sys; print('|'.join(sys.argv[1:]))", ["a b", "", "ü"])
        XCTAssertEqual(output, "a b||ü\n")
    }

    func testFailureNamesTheSnippetsFirstLineStatusAndError() throws {
        let snippet = """

            import sys
            assert sys.argv[1] == "expected", "got " + sys.argv[1]
            """
        XCTAssertThrowsError(try PythonOracle.run(snippet, ["other"])) { error in
            guard let failure = error as? PythonOracle.Failure else { return XCTFail("unexpected error \(error)") }
            XCTAssertEqual(failure.firstLine, "import sys")
            XCTAssertEqual(failure.status, 1)
            XCTAssertFalse(failure.environmentMissing)
            XCTAssertTrue(failure.callSite.hasPrefix("EndToEndTests/PythonOracleTests.swift:"), failure.callSite)
            let message = failure.description
            XCTAssertTrue(message.hasPrefix(#"python3 snippet "import sys" (run at EndToEndTests/PythonOracleTests.swift:"#), message)
            XCTAssertTrue(message.contains("exited with status 1."), message)
            XCTAssertTrue(message.hasSuffix("AssertionError: got other"), message)
            XCTAssertFalse(message.contains("scripts/setup"), message)
        }
    }

    func testMissingPackageGetsTheSetupAdvice() throws {
        XCTAssertThrowsError(try PythonOracle.run("import rankscope_no_such_package")) { error in
            let failure = error as? PythonOracle.Failure
            XCTAssertEqual(failure?.environmentMissing, true)
            XCTAssertTrue("\(error)".contains(PythonOracle.setupHint), "\(error)")
            XCTAssertTrue("\(error)".contains("No module named 'rankscope_no_such_package'"), "\(error)")
        }
    }

    /// A grandchild that keeps the snippet's output streams open (as a daemon does) must not keep
    /// `run` waiting: only the snippet itself is waited for.
    func testSnippetLeavingAProcessBehindReturnsAtOnce() throws {
        let start = Date()
        let output = try PythonOracle.run("""
            import os, time
            pid = os.fork()
            if pid == 0:
                time.sleep(60)
                os._exit(0)
            print(pid, flush=True)
            """)
        XCTAssertLessThan(Date().timeIntervalSince(start), 30)
        let daemon = try XCTUnwrap(pid_t(output.trimmingCharacters(in: .whitespacesAndNewlines)), output)
        XCTAssertEqual(kill(daemon, SIGKILL), 0, "the left-behind process should still be running")
    }

    func testResultsComeBackFromTheFoldersJSON() throws {
        let results: [String: Int] = try PythonOracle.results(of: """
            import sys, json
            d = sys.argv[1]
            json.dump({"doubled": 2 * int(open(d + "/n.txt").read())}, open(d + "/results.json", "w"))
            """) { folder in
            try "21".write(to: folder.appendingPathComponent("n.txt"), atomically: true, encoding: .utf8)
        }
        XCTAssertEqual(results, ["doubled": 42])
    }
}
