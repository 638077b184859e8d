/// A backend that draws into memory and reads scripted keys: the test double for
/// everything built on `TerminalBackend`.
///
/// It keeps the last drawn buffer (`buffer`, `lines()`) and counts how many cells each draw
/// would have written to a terminal (`lastDrawCellCount`), so tests can assert that only
/// changes were flushed.
public final class InMemoryBackend: TerminalBackend {
    /// The current screen size; change it with `resize(width:height:)`.
    public private(set) var size: TerminalSize
    /// What the screen shows after the last draw (blank before the first).
    public private(set) var buffer: CellBuffer
    /// Cells written by the most recent `draw(_:)`.
    public private(set) var lastDrawCellCount = 0
    /// Cells written by all draws so far.
    public private(set) var totalCellsWritten = 0
    /// Number of `draw(_:)` calls so far.
    public private(set) var drawCount = 0
    /// Number of `restore()` calls so far.
    public private(set) var restoreCount = 0
    /// The signal ``deliver(signal:)`` recorded, nil when none (or once acknowledged).
    public private(set) var terminationRequest: Int32?
    /// Keys not yet read, first at the front.
    public private(set) var pendingKeys: [KeyEvent]
    private var hasDrawn = false

    /// Creates a backend of the given size with optional scripted keys.
    public init(width: Int, height: Int, keys: [KeyEvent] = []) {
        size = TerminalSize(width: width, height: height)
        buffer = CellBuffer(width: width, height: height)
        pendingKeys = keys
    }

    /// Appends keys to the script.
    public func enqueue(_ keys: KeyEvent...) { pendingKeys.append(contentsOf: keys) }

    /// Appends each character of `text` as a `.character` key.
    public func enqueue(text: String) { pendingKeys.append(contentsOf: text.map { KeyEvent.character($0) }) }

    /// Changes the size like a terminal window resize: queues `.resize`, and makes the next
    /// draw a full redraw.
    public func resize(width: Int, height: Int) {
        size = TerminalSize(width: width, height: height)
        buffer = CellBuffer(width: size.width, height: size.height)
        hasDrawn = false
        pendingKeys.append(.resize)
    }

    /// Records the changed cells of `buffer` and keeps it as the screen. A buffer of a
    /// different size than the screen is clipped/padded to the screen.
    public func draw(_ frame: CellBuffer) {
        var next = frame
        if frame.width != size.width || frame.height != size.height {
            next = CellBuffer(width: size.width, height: size.height)
            for y in 0..<min(frame.height, size.height) {
                for x in 0..<min(frame.width, size.width) {
                    if let c = frame.cell(x: x, y: y) { next.setCell(x: x, y: y, c) }
                }
            }
        }
        let changes = hasDrawn ? next.diff(from: buffer)
                               : next.diff(from: CellBuffer(width: 0, height: 0))
        lastDrawCellCount = changes.count
        totalCellsWritten += changes.count
        drawCount += 1
        buffer = next
        hasDrawn = true
    }

    /// Pops the next scripted key, or nil when the script is exhausted (never waits).
    public func readKey(timeout: Int) -> KeyEvent? {
        pendingKeys.isEmpty ? nil : pendingKeys.removeFirst()
    }

    /// Records `signal` as a curses backend records a SIGINT, SIGTERM or SIGHUP.
    public func deliver(signal: Int32) { terminationRequest = signal }

    /// Forgets the recorded signal.
    public func acknowledgeTerminationRequest() { terminationRequest = nil }

    /// Counts the call; nothing to restore in memory.
    public func restore() { restoreCount += 1 }

    /// The screen's rows as text with trailing spaces trimmed.
    public func lines() -> [String] { buffer.lines() }
}
