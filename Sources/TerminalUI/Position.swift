/// A column (`x`) and row (`y`) in a cell buffer, origin top-left. May lie outside the buffer;
/// drawing there is clipped rather than trapping.
public struct Position: Hashable, Sendable {
    /// Column, 0 = leftmost.
    public var x: Int
    /// Row, 0 = top.
    public var y: Int
    /// Creates a position.
    public init(x: Int, y: Int) { self.x = x; self.y = y }
}
