import Foundation
import TerminalUI

/// Checked writes to standard output and error: the one way commands print besides `print`
/// (whose buffered text ``finish()`` checks at exit).
///
/// Why: `FileHandle.write` traps (`try!` inside Foundation) when the write fails — a full device
/// (`> /dev/full`), a closed standard output (`>&-`) — and a table printed with `print` into a
/// full device was lost with exit 0. Everything here goes through C stdio on `stdout`, so lines
/// written here and by `print` keep their order; a failure is remembered by the stream and
/// ``finish()`` (called by `main.swift` after every command) turns it into one sentence and exit 1.
/// New commands print with `print` or ``write(_:flush:)`` and need nothing else.
enum StandardOutput {
    /// Standard output could not be written.
    struct WriteError: Error, CustomStringConvertible {
        /// The system's reason.
        let reason: String
        /// One sentence.
        var description: String { "standard output: cannot write the output (\(reason))." }
    }

    /// Writes `text` to standard output; with `flush`, pushes it out at once (protocol lines a
    /// reader waits for). Never traps; a failure is reported by ``finish()``.
    static func write(_ text: String, flush: Bool = false) {
        var text = text
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress, bytes.count > 0 else { return }
            _ = fwrite(base, 1, bytes.count, stdout)
        }
        if flush { fflush(stdout) }
    }

    /// Writes `data` to standard output (see ``write(_:flush:)``).
    static func write(_ data: Data, flush: Bool = false) {
        data.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress, bytes.count > 0 else { return }
            _ = fwrite(base, 1, bytes.count, stdout)
        }
        if flush { fflush(stdout) }
    }

    /// Prints human-readable lines, each escaped with ``TerminalUI/TerminalText/printable(_:)`` so
    /// text from files (tensor names, config fields, paths) cannot drive the terminal or forge
    /// lines. Every human listing goes through here.
    static func printLines<Lines: Sequence>(_ lines: Lines) where Lines.Element == String {
        var text = ""
        for line in lines {
            text += TerminalText.printable(line)
            text += "\n"
        }
        write(text)
    }

    /// Flushes standard output and throws ``WriteError`` when this or any earlier write to it
    /// failed.
    static func finish() throws {
        let flushed = fflush(stdout) == 0
        let code = errno
        if !flushed || ferror(stdout) != 0 {
            throw WriteError(reason: !flushed && code != 0 ? String(cString: strerror(code)) : "an earlier write failed")
        }
    }

    /// Writes `text` to standard error, ignoring failure (there is nowhere left to report it).
    static func writeError(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress, bytes.count > 0 else { return }
            _ = fwrite(base, 1, bytes.count, stderr)
        }
        fflush(stderr)
    }
}
