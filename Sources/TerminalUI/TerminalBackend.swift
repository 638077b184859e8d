/// Where frames go and keys come from: the real terminal (`CursesBackend`) or memory
/// (`InMemoryBackend`, for tests).
///
/// A frame loop: read `size`, build a `CellBuffer` of that size, draw widgets into it,
/// `draw(_:)` it, then `readKey(timeout:)`; on `.resize` rebuild at the new size.
public protocol TerminalBackend: AnyObject {
    /// The current size of the screen in cells.
    var size: TerminalSize { get }
    /// Shows `buffer`, writing only the cells that changed since the previous draw
    /// (everything after a resize or on the first draw).
    func draw(_ buffer: CellBuffer)
    /// Waits up to `timeout` milliseconds for input (negative waits indefinitely, 0 polls)
    /// and returns the event, or nil if none arrived in time.
    func readKey(timeout: Int) -> KeyEvent?
    /// Gives the terminal back to the shell (cursor, echo, main screen). Safe to call twice.
    func restore()
    /// The signal (SIGINT, SIGTERM, SIGHUP) that asked the program to end, nil when none did:
    /// a frame loop stops as on a quit key, and the program then ends by that signal.
    var terminationRequest: Int32? { get }
    /// Forgets the recorded ``terminationRequest`` because the frame loop answered it another way
    /// (the explorer asks before a Ctrl-C throws away unsaved work): the next signal is then a
    /// first one again.
    func acknowledgeTerminationRequest()
}

extension TerminalBackend {
    /// No signal reaches a backend that does not handle them (an in-memory one).
    public var terminationRequest: Int32? { nil }
    /// Nothing to forget.
    public func acknowledgeTerminationRequest() {}
}
