/// A terminal's size in cells.
public struct TerminalSize: Hashable, Sendable {
    /// Columns (≥ 0).
    public var width: Int
    /// Rows (≥ 0).
    public var height: Int
    /// Creates a size; negative values become 0.
    public init(width: Int, height: Int) { self.width = max(0, width); self.height = max(0, height) }
    /// The full-screen rectangle at the origin.
    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }
}
