import Foundation

/// Runs Python snippets as the tests' independent oracle (numpy, scipy, pandas, safetensors).
///
/// `python3` is looked up on `PATH` (`/usr/bin/env python3`): `scripts/env.sh`, which
/// `scripts/test` sources, puts the project's `.venv` first there. Snippets run with
/// ``ChildProcess`` (posix_spawn + waitpid), so a snippet that leaves a process behind cannot
/// hang the test. A missing Python, a missing package or a failing assertion in the snippet is a
/// thrown ``Failure`` (which XCTest reports as the test's failure), never a skip.
public enum PythonOracle {
    /// What to do when Python or its packages are missing.
    public static let setupHint = "Run scripts/setup, then source scripts/env.sh so python3 is the project's .venv "
        + "with numpy, scipy, pandas and safetensors."

    /// A snippet that could not start or exited non-zero.
    public struct Failure: Error, CustomStringConvertible {
        /// The snippet's first non-blank line, which names it in the message.
        public let firstLine: String
        /// Where the snippet was run from (`Module/File.swift:line`).
        public let callSite: String
        /// Python's exit status (127 when `python3` is not on `PATH`).
        public let status: Int32
        /// Everything Python wrote to standard error.
        public let stderr: String

        /// Whether Python itself or one of its packages is missing, rather than the snippet failing.
        public var environmentMissing: Bool {
            status == 127 || stderr.contains("No module named")
        }

        /// One message for `XCTFail` or the thrown-error report: the snippet, the status, what to
        /// do when the environment is missing, then Python's standard error.
        public var description: String {
            let details = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            return "python3 snippet \"\(firstLine)\" (run at \(callSite)) exited with status \(status)."
                + (environmentMissing ? " " + PythonOracle.setupHint : "")
                + (details.isEmpty ? "" : "\n" + details)
        }
    }

    /// Runs `python3 -c snippet arguments…` and returns its standard output.
    ///
    /// - Parameters:
    ///   - snippet: Python source; `sys.argv[1…]` are `arguments`.
    ///   - arguments: Strings passed to the snippet (typically paths).
    ///   - file, line: The call site, named in the ``Failure``.
    /// - Throws: ``Failure`` when Python exits non-zero (an exception, a failed `assert`, a
    ///   missing package or no `python3`); ``ChildProcess/SpawnError`` when nothing could start.
    @discardableResult
    public static func run(_ snippet: String, _ arguments: [String] = [],
                           file: StaticString = #fileID, line: UInt = #line) throws -> String {
        let outcome = try ChildProcess.run("/usr/bin/env", ["python3", "-c", snippet] + arguments)
        guard outcome.status == 0 else {
            throw Failure(firstLine: firstLine(of: snippet), callSite: "\(file):\(line)", status: outcome.status,
                          stderr: outcome.stderr)
        }
        return outcome.stdout
    }

    /// The first line of `snippet` that is not blank, trimmed.
    static func firstLine(of snippet: String) -> String {
        let lines = snippet.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        return lines.first { !$0.isEmpty } ?? ""
    }
}
