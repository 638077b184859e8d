import Foundation

/// Runs a program to completion with `posix_spawn` and `waitpid`, capturing both streams.
///
/// Foundation's `Process.waitUntilExit` never returns when the child leaves a daemon behind
/// (tmux starts its server that way): the daemon inherits the child's pipes and the termination
/// monitor waits for them to close. Here the streams go to temporary files and only the child
/// itself is waited for, so nothing the child leaves running can hang the test.
public enum ChildProcess {
    /// What a finished process left behind.
    public struct Outcome {
        /// The exit status; 128 + the signal's number when a signal ended the process.
        public let status: Int32
        /// Everything written to standard output, as UTF-8.
        public let stdout: String
        /// Everything written to standard error, as UTF-8.
        public let stderr: String

        /// An outcome from its parts.
        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// The ways starting a program can fail.
    public enum SpawnError: Error, CustomStringConvertible {
        /// `posix_spawn` refused to start `executable`, with this `errno`.
        case couldNotStart(executable: String, errno: Int32)

        public var description: String {
            switch self {
            case let .couldNotStart(executable, code):
                return "Could not start \(executable): \(String(cString: strerror(code)))."
            }
        }
    }

    /// Runs `executable` (an absolute path) with `arguments`, the test process's environment and
    /// standard input from `/dev/null`, and waits for it to exit.
    public static func run(_ executable: String, _ arguments: [String]) throws -> Outcome {
        try TemporaryFolder.with("child") { folder in
            try run(executable, arguments, outPath: folder.appendingPathComponent("out").path,
                    errPath: folder.appendingPathComponent("err").path)
        }
    }

    /// Runs `executable` with its standard output and error going to the files at `outPath` and
    /// `errPath`, then reads them back.
    private static func run(_ executable: String, _ arguments: [String], outPath: String, errPath: String) throws -> Outcome {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard code == 0 else { throw SpawnError.couldNotStart(executable: executable, errno: code) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7F
        return Outcome(status: signal == 0 ? (status >> 8) & 0xFF : 128 + signal,
                       stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                       stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }
}
