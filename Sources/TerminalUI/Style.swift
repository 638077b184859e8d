/// How a cell is drawn: foreground and background colours plus text attributes.
///
/// Styles are plain values; widgets take them as parameters and themes produce them.
public struct Style: Hashable, Sendable {
    /// Foreground (glyph) colour.
    public var foreground: Color
    /// Background colour.
    public var background: Color
    /// Bold (often also brighter) text.
    public var bold: Bool
    /// Dim (half-bright) text.
    public var dim: Bool
    /// Foreground and background swapped; works even without colour support.
    public var reverse: Bool
    /// Underlined text.
    public var underline: Bool

    /// Creates a style; every parameter defaults to "terminal default, no attribute".
    public init(foreground: Color = .default, background: Color = .default,
                bold: Bool = false, dim: Bool = false, reverse: Bool = false, underline: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
        self.underline = underline
    }

    /// The terminal's default colours with no attributes.
    public static let plain = Style()

    /// A copy with the foreground colour replaced.
    public func foreground(_ color: Color) -> Style { var s = self; s.foreground = color; return s }
    /// A copy with the background colour replaced.
    public func background(_ color: Color) -> Style { var s = self; s.background = color; return s }
    /// A copy with bold switched on.
    public var bolded: Style { var s = self; s.bold = true; return s }
    /// A copy with reverse video switched on.
    public var reversed: Style { var s = self; s.reverse = true; return s }
}
