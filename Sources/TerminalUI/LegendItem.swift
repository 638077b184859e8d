/// One entry of a ``Legend``: an optional swatch (such as `│` or `━`) drawn in the item's
/// style, then its text.
public struct LegendItem: Hashable, Sendable {
    /// Glyphs before the text in `style` (empty for none).
    public var swatch: String
    /// The entry's text.
    public var text: String
    /// Style of the swatch, and of the text when `styleText` is true.
    public var style: Style
    /// Draw the text in `style` too (otherwise in the legend's text style).
    public var styleText: Bool

    /// Creates an entry.
    public init(swatch: String = "", text: String, style: Style = .plain, styleText: Bool = false) {
        self.swatch = swatch
        self.text = text
        self.style = style
        self.styleText = styleText
    }

    /// Columns the entry takes: swatch, a space when both are present, text.
    public var width: Int {
        let s = DisplayWidth.of(swatch), t = DisplayWidth.of(text)
        return s + t + (s > 0 && t > 0 ? 1 : 0)
    }
}
