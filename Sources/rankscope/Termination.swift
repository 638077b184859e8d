import ArgumentParser
import Foundation
import SafeTensors
import TerminalUI

/// Turns an error into the message and exit status a user sees.
///
/// Exit statuses: 0 for success and `--help`, 1 for a problem with the user's files or
/// values (one sentence on standard error), 2 for a malformed command line (the parser's
/// message and usage on standard error).
enum Termination {
    /// Exit status for a user error.
    static let userError: Int32 = 1
    /// Exit status for a command-line usage error.
    static let usageError: Int32 = 2
    /// Exit status after Ctrl-C or SIGTERM (128 + SIGINT), as shells report it.
    static let interrupted: Int32 = 130

    /// Prints what the error means and exits with its status.
    static func exit(for error: Error) -> Never {
        fflush(stdout)
        if let code = error as? ExitCode {
            if code.rawValue == interrupted {
                // An interrupted run may return while a cancelled worker is still inside a BLAS
                // call; OpenBLAS's exit handler then joins its thread pool and can wait forever
                // (seen in `spectra` under Ctrl-C). Everything kept (cache, journal) is already on
                // disk and standard output is flushed above, so skip the exit handlers.
                _exit(code.rawValue)
            }
            Foundation.exit(code.rawValue)
        }
        let parserCode = RankscopeCommand.exitCode(for: error)
        if parserCode == .success {
            RankscopeCommand.exit(withError: error)
        }
        if parserCode == .validationFailure {
            printError(RankscopeCommand.fullMessage(for: error))
            Foundation.exit(usageError)
        }
        let text = SystemErrorText.isFoundationError(error)
            ? "a file operation failed (\(SystemErrorText.reason(of: error)))." : String(describing: error)
        printError("rankscope: " + TerminalText.printable(text))
        Foundation.exit(userError)
    }

    /// Writes text to standard error, each line escaped with
    /// ``TerminalUI/TerminalText/printable(_:)`` (messages quote names and paths from files).
    static func printError(_ text: String) {
        let lines = (text.hasSuffix("\n") ? String(text.dropLast()) : text).split(separator: "\n", omittingEmptySubsequences: false)
        StandardOutput.writeError(lines.map { TerminalText.printable(String($0)) }.joined(separator: "\n") + "\n")
    }
}
