import Foundation

/// A one-line progress bar on standard error, drawn only when standard error is a terminal,
/// redrawn at most ten times a second, and erased when done.
final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let started = Date()
    private let lock = NSLock()
    private var lastDraw = Date.distantPast

    /// A progress line that draws when `enabled` (default: standard error is a TTY).
    init(enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.enabled = enabled
    }

    /// Redraws the bar for `completed` of `total`, with a short note (rate, cache hits).
    func update(completed: Int, total: Int, note: String) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard completed == total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let width = 30
        let fraction = total > 0 ? Double(completed) / Double(total) : 1
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let elapsed = now.timeIntervalSince(started)
        let remaining = completed > 0 ? elapsed / Double(completed) * Double(total - completed) : .nan
        let eta = remaining.isFinite ? String(format: "%.0fs left", remaining) : "…"
        let text = "\r\u{1B}[2K[\(bar)] \(completed)/\(total)  \(note)  \(eta)"
        StandardOutput.writeError(text)
    }

    /// Erases the bar.
    func finish() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        StandardOutput.writeError("\r\u{1B}[2K")
    }
}
