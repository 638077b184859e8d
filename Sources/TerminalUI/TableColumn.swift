/// One column of a `Table`: header title, width and alignment of its cells.
public struct TableColumn: Hashable {
    /// Header text.
    public var title: String
    /// Width, allocated like `Rect.columns(_:spacing:)` (`.fixed`, `.fraction`, `.remainder`).
    public var width: SplitSize
    /// Placement of text within the column (numbers usually `.right`).
    public var alignment: Alignment

    /// Creates a column.
    public init(_ title: String, width: SplitSize, alignment: Alignment = .left) {
        self.title = title
        self.width = width
        self.alignment = alignment
    }
}
