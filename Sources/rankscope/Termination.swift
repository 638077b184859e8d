import ArgumentParser
import Foundation
import LinearAlgebra
import SafeTensors
import TerminalUI

/// Turns an error into the message and exit status a user sees, and leaves the process only
/// once no worker thread is inside BLAS.
///
/// Exit statuses: 0 for success and `--help`, 1 for a problem with the user's files or
/// values (one sentence on standard error), 2 for a malformed command line (the parser's
/// message and usage on standard error), 130 after Ctrl-C.
///
/// **Stopping while workers compute.** A BLAS or LAPACK call cannot be interrupted, and
/// exiting while a worker is inside one can hang in OpenBLAS's exit handler
/// (``LinearAlgebra/BLASWorkers``). So a cancelled pool waits for its workers before its run
/// returns, every exit here waits for ``LinearAlgebra/BLASWorkers/waitUntilIdle()`` too, and
/// whatever stops work on the user's behalf (Ctrl-C through ``InterruptHandler``, quitting the
/// explorer) calls ``noticeIfStoppingIsSlow()``, so a wait of more than
/// ``stoppingNoticeDelay`` is explained by one line. A second Ctrl-C ends the process at once.
enum Termination {
    /// Exit status for a user error.
    static let userError: Int32 = 1
    /// Exit status for a command-line usage error.
    static let usageError: Int32 = 2
    /// Exit status after Ctrl-C or SIGTERM (128 + SIGINT), as shells report it.
    static let interrupted: Int32 = 130

    /// How long stopping may wait for workers before ``noticeIfStoppingIsSlow()`` says so, in seconds.
    static let stoppingNoticeDelay = 0.5

    /// Prints what the error means and exits with its status.
    static func exit(for error: Error) -> Never {
        fflush(stdout)
        if let code = error as? ExitCode { exit(code.rawValue) }
        let parserCode = RankscopeCommand.exitCode(for: error)
        if parserCode == .success {
            RankscopeCommand.exit(withError: error)
        }
        if parserCode == .validationFailure {
            printError(RankscopeCommand.fullMessage(for: error))
            exit(usageError)
        }
        let text = SystemErrorText.isFoundationError(error)
            ? "a file operation failed (\(SystemErrorText.reason(of: error)))." : String(describing: error)
        printError("rankscope: " + TerminalText.printable(text))
        exit(userError)
    }

    /// Flushes standard output and exits with `status` once no worker is inside BLAS: every
    /// exit of rankscope goes through here (or ``end(by:)``).
    static func exit(_ status: Int32) -> Never {
        fflush(stdout)
        BLASWorkers.waitUntilIdle()
        Foundation.exit(status)
    }

    /// Ends the process by `signalNumber` (default action), so its parent sees 128 + its number, once
    /// no worker is inside BLAS: the explorer after SIGINT, SIGTERM or SIGHUP.
    static func end(by signalNumber: Int32) -> Never {
        fflush(stdout)
        BLASWorkers.waitUntilIdle()
        _ = signal(signalNumber, SIG_DFL)
        _ = raise(signalNumber)
        Foundation.exit(128 + signalNumber)
    }

    /// Call when the user asked to stop: returns at once, and if a worker is still inside BLAS
    /// ``stoppingNoticeDelay`` seconds later, prints one line on standard error saying rankscope
    /// waits for the matrix in progress, so the user knows they were heard.
    static func noticeIfStoppingIsSlow() {
        DispatchQueue.global().asyncAfter(deadline: .now() + stoppingNoticeDelay) {
            let workers = BLASWorkers.inFlight
            guard workers > 0 else { return }
            printError("rankscope: stopping: waiting for " + (workers == 1 ? "the current matrix" : "the \(workers) matrices in progress")
                       + " to finish (Ctrl-C again stops at once).")
        }
    }

    /// Writes text to standard error, each line escaped with
    /// ``TerminalUI/TerminalText/printable(_:)`` (messages quote names and paths from files).
    static func printError(_ text: String) {
        let lines = (text.hasSuffix("\n") ? String(text.dropLast()) : text).split(separator: "\n", omittingEmptySubsequences: false)
        StandardOutput.writeError(lines.map { TerminalText.printable(String($0)) }.joined(separator: "\n") + "\n")
    }
}
