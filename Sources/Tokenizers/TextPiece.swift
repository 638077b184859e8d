/// A stretch of text on its way to the model: its scalars, and whether it begins at the very
/// start of the input (what Metaspace's `prepend_scheme: "first"` asks).
struct TextPiece: Sendable {
    /// The piece's text.
    var scalars: [Unicode.Scalar]
    /// True when the piece starts at offset 0 of the original text.
    var atStart: Bool

    /// The non-empty pieces `pattern` and `behavior` cut this one into.
    func split(_ pattern: SplitPattern, _ behavior: SplitBehavior, invert: Bool = false) -> [TextPiece] {
        var parts = pattern.parts(of: scalars)
        if invert { parts = parts.map { ($0.range, !$0.isMatch) } }
        return behavior.pieces(parts).compactMap { range in
            range.isEmpty ? nil : TextPiece(scalars: Array(scalars[range]), atStart: atStart && range.lowerBound == 0)
        }
    }
}
