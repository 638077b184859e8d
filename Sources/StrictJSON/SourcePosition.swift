/// A place in a JSON document, used to point a person at the exact spot of a problem.
///
/// `line` and `column` are 1-based. `column` counts bytes (UTF-8 code units) from the start of
/// the line, so it matches what `cut -b` or an editor's byte column shows; for ASCII text it is
/// the ordinary character column. `offset` is the 0-based byte offset from the start of the
/// document.
public struct SourcePosition: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The 1-based line number; lines are separated by `\n`.
    public var line: Int
    /// The 1-based column, counted in bytes from the start of the line.
    public var column: Int
    /// The 0-based byte offset from the start of the document.
    public var offset: Int

    /// Creates a position from its three coordinates.
    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// `line L, column C`, the form used at the start of every parse error.
    public var description: String { "line \(line), column \(column)" }
}
