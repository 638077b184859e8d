import Foundation
import PythonOracle
import XCTest

/// Runs the built `rankscope` binary and shell commands, for tests that use them as a person would.
/// Python snippets run through ``PythonOracle/run(_:_:file:line:)``.
enum Harness {
    /// What a finished process left behind.
    typealias Outcome = ChildProcess.Outcome

    /// The `rankscope` executable next to the test bundle (or `$RANKSCOPE_BIN`).
    static var binary: String {
        if let override = ProcessInfo.processInfo.environment["RANKSCOPE_BIN"] { return override }
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("rankscope").path),
              directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("rankscope").path
    }

    /// Runs `rankscope` with arguments and an isolated cache.
    static func rankscope(_ arguments: [String], cacheHome: String, file: StaticString = #filePath, line: UInt = #line) throws -> Outcome {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: binary), "rankscope is not built at \(binary)", file: file, line: line)
        return try run(binary, arguments, environment: ["XDG_CACHE_HOME": cacheHome])
    }

    /// Runs a program to completion, capturing both streams.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let directory = NSTemporaryDirectory() + "rankscope-run-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = FileManager.default.createFile(atPath: directory + "/out", contents: nil)
        _ = FileManager.default.createFile(atPath: directory + "/err", contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/out"))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/err"))
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Outcome(status: process.terminationStatus,
                       stdout: (try? String(contentsOfFile: directory + "/out", encoding: .utf8)) ?? "",
                       stderr: (try? String(contentsOfFile: directory + "/err", encoding: .utf8)) ?? "")
    }

    /// Runs `rankscope` with its address space limited (`ulimit -v`, in KiB), so reading or
    /// mapping more than that fails instead of succeeding quietly. A run that hangs is killed
    /// after `timeoutSeconds` (status 137).
    static func rankscope(_ arguments: [String], addressSpaceLimitKiB: Int, cacheHome: String,
                          timeoutSeconds: Int = 300) throws -> Outcome {
        let quoted = ([binary] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        return try run("/bin/sh", ["-c", "ulimit -v \(addressSpaceLimitKiB) && exec timeout -s KILL \(timeoutSeconds) " + quoted.joined(separator: " ")],
                       environment: ["XDG_CACHE_HOME": cacheHome])
    }

    /// Runs a shell command line through ``ChildProcess`` (`posix_spawn` and `waitpid`), returning
    /// its status and its standard output and error interleaved as `stdout`. For programs that
    /// leave daemons behind (tmux starts its server this way), which keep `Process`'s termination
    /// monitor from ever firing.
    static func shell(_ commandLine: String) throws -> Outcome {
        try ChildProcess.run("/bin/sh", ["-c", "(\(commandLine)) 2>&1"])
    }

    /// A fresh temporary folder.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "rankscope-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Parses JSON output into Foundation objects.
    static func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }
}
