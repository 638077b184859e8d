import Foundation
import XCTest

/// Runs the built `rankscope` binary and Python, for tests that use them as a person would.
enum Harness {
    /// What a finished process left behind.
    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String
    }

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

    /// Runs `python3 -c script args…`; fails the test with setup advice when Python or its
    /// packages are missing.
    @discardableResult
    static func python(_ script: String, _ arguments: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> Outcome {
        let outcome = try run("/usr/bin/env", ["python3", "-c", script] + arguments, environment: [:])
        if outcome.status != 0 {
            XCTFail("python3 failed (run scripts/setup to install numpy and safetensors): \(outcome.stderr)", file: file, line: line)
        }
        return outcome
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

    /// Runs a shell command line with `posix_spawn` and `waitpid`, returning its status and
    /// standard output. For programs that leave daemons behind (tmux starts its server this
    /// way), which keep `Process`'s termination monitor from ever firing.
    static func shell(_ commandLine: String) throws -> Outcome {
        let output = NSTemporaryDirectory() + "rankscope-shell-\(UUID().uuidString)"
        defer { unlink(output) }
        let words: [String] = ["/bin/sh", "-c", "(\(commandLine)) </dev/null >'\(output)' 2>&1"]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else { throw CocoaError(.executableLoad) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return Outcome(status: (status >> 8) & 0xFF, stdout: text, stderr: "")
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
