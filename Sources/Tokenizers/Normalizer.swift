/// A `normalizer` of a `tokenizer.json`: rewrites a stretch of text before pre-tokenization.
indirect enum Normalizer: Sendable {
    /// BERT's: drop controls and map whitespace to spaces, space out CJK ideographs, strip
    /// accents (NFD then drop Mn), lower-case.
    case bert(cleanText: Bool, handleChineseCharacters: Bool, stripAccents: Bool, lowercase: Bool)
    /// Put a string in front of non-empty text (Llama 2 / Mistral put "▁").
    case prepend([Unicode.Scalar])
    /// Replace every match of a pattern by a string.
    case replace(SplitPattern, [Unicode.Scalar])
    /// A Unicode normalization form.
    case unicode(UnicodeForm)
    /// Per-character full lower-casing.
    case lowercase
    /// Remove whitespace from the left and/or right end.
    case strip(left: Bool, right: Bool)
    /// Remove combining marks (Mn, Mc, Me).
    case stripAccents
    /// Several normalizers, in order.
    case sequence([Normalizer])

    /// The component names ``init(json:reader:path:)`` accepts, for the unsupported-type message.
    static let supportedTypes = ["BertNormalizer", "Prepend", "Replace", "NFC", "NFD", "NFKC", "NFKD",
                                 "Lowercase", "Strip", "StripAccents", "Sequence"]

    /// `scalars` normalized.
    func apply(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        switch self {
        case let .bert(cleanText, chinese, stripAccents, lowercase):
            var text = scalars
            if cleanText {
                text = text.compactMap { c in
                    if c.value == 0 || c.value == 0xFFFD || UnicodeClass.isControl(c) { return nil }
                    return UnicodeClass.isWhitespace(c) ? " " : c
                }
            }
            if chinese && text.contains(where: UnicodeClass.isChinese) {
                var spaced: [Unicode.Scalar] = []
                spaced.reserveCapacity(text.count + 16)
                for c in text {
                    if UnicodeClass.isChinese(c) { spaced.append(" "); spaced.append(c); spaced.append(" ") } else { spaced.append(c) }
                }
                text = spaced
            }
            if stripAccents {
                text = ScalarText.normalize(text, .nfd).filter { !UnicodeClass.isNonspacingMark($0) }
            }
            if lowercase { text = ScalarText.lowercase(text) }
            return text
        case .prepend(let prefix):
            return scalars.isEmpty ? scalars : prefix + scalars
        case let .replace(pattern, content):
            var out: [Unicode.Scalar] = []
            out.reserveCapacity(scalars.count)
            for part in pattern.parts(of: scalars) {
                if part.isMatch { out.append(contentsOf: content) } else { out.append(contentsOf: scalars[part.range]) }
            }
            return out
        case .unicode(let form):
            return ScalarText.normalize(scalars, form)
        case .lowercase:
            return ScalarText.lowercase(scalars)
        case let .strip(left, right):
            var slice = scalars[...]
            if left { while let first = slice.first, UnicodeClass.isWhitespace(first) { slice = slice.dropFirst() } }
            if right { while let last = slice.last, UnicodeClass.isWhitespace(last) { slice = slice.dropLast() } }
            return Array(slice)
        case .stripAccents:
            return scalars.filter { !UnicodeClass.isMark($0) }
        case .sequence(let normalizers):
            return normalizers.reduce(scalars) { $1.apply($0) }
        }
    }
}
