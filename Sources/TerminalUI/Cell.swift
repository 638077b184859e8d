/// One terminal column: a grapheme and its style.
///
/// A wide grapheme (CJK, many emoji) occupies two columns: its own cell followed by a
/// continuation cell (`isContinuation == true`) that backends skip, because the terminal
/// advances two columns when it prints the wide grapheme.
public struct Cell: Hashable, Sendable {
    /// The grapheme shown in this column (a space for blank and continuation cells).
    public var character: Character
    /// How the grapheme is drawn.
    public var style: Style
    /// True for the right half of a wide grapheme that starts in the column to the left.
    public var isContinuation: Bool

    /// Creates a cell.
    public init(_ character: Character = " ", style: Style = .plain, isContinuation: Bool = false) {
        self.character = character
        self.style = style
        self.isContinuation = isContinuation
    }

    /// A space in the default style: what a fresh buffer is filled with.
    public static let blank = Cell()

    /// The right half of a wide grapheme drawn with `style`.
    public static func continuation(_ style: Style) -> Cell {
        Cell(" ", style: style, isContinuation: true)
    }
}
