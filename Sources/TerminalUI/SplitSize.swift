/// How much of a rectangle one part of a split takes (see `Rect.rows(_:)` and `Rect.columns(_:)`).
///
/// Fixed and fractional parts are allocated first, in order, each clamped to what is left;
/// `.remainder` parts then share what is still left equally (earlier ones get the odd cells).
public enum SplitSize: Hashable, Sendable {
    /// Exactly this many cells (negative counts as 0), if available.
    case fixed(Int)
    /// This fraction (0…1, clamped; NaN counts as 0) of the whole length, rounded down.
    case fraction(Double)
    /// An equal share of whatever the other parts leave.
    case remainder
}
