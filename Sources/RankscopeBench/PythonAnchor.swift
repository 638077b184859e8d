import Foundation

/// Runs one anchor script of `scripts/bench-anchors/` with the project's Python
/// (`.venv/bin/python`, or `RANKSCOPE_BENCH_PYTHON`) and reads the JSON object it prints last.
///
/// The scripts time only the work being compared (not the interpreter's start or imports) and
/// print `{"seconds": [...], ...}`.
enum PythonAnchor {
    static var python: String {
        ProcessInfo.processInfo.environment["RANKSCOPE_BENCH_PYTHON"] ?? ".venv/bin/python"
    }

    /// The JSON object `scripts/bench-anchors/<script>` prints for `arguments`.
    static func run(_ script: String, _ arguments: [String]) throws -> [String: Any] {
        let path = "scripts/bench-anchors/" + script
        guard FileManager.default.isExecutableFile(atPath: python), FileManager.default.fileExists(atPath: path) else {
            throw BenchError(description: "\(path) needs \(python) (run scripts/setup) and the repository root as working directory.")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [path] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lastLine = String(decoding: data, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        guard process.terminationStatus == 0,
              let object = try? JSONSerialization.jsonObject(with: Data(lastLine.utf8)) as? [String: Any] else {
            throw BenchError(description: "\(path) \(arguments.joined(separator: " ")) failed (status \(process.terminationStatus)).")
        }
        return object
    }

    /// The `seconds` array of an anchor's output as a ``Timing``.
    static func timing(_ object: [String: Any]) throws -> Timing {
        guard let seconds = object["seconds"] as? [Double], !seconds.isEmpty else {
            throw BenchError(description: "an anchor printed no timings.")
        }
        return Timing(seconds: seconds)
    }
}
