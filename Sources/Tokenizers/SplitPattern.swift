/// What a split looks for: a literal string, a regular expression or a class of characters.
/// It marks every part of a piece as match or non-match, as `tokenizers`' `Pattern` does.
enum SplitPattern: Sendable {
    /// Every non-overlapping occurrence of a string (an empty string matches nothing).
    case literal([Unicode.Scalar])
    /// Every match of a regular expression.
    case regex(RegexPattern)
    /// Each single character of a class is a match of its own.
    case characters(CharacterClass)

    /// Classes of single characters used as delimiters.
    enum CharacterClass: Sendable {
        case whitespace, bertPunctuation, numeric
        case scalar(Unicode.Scalar)

        func contains(_ c: Unicode.Scalar) -> Bool {
            switch self {
            case .whitespace: return UnicodeClass.isWhitespace(c)
            case .bertPunctuation: return UnicodeClass.isPunctuation(c)
            case .numeric: return UnicodeClass.isNumeric(c)
            case .scalar(let s): return c == s
            }
        }
    }

    /// The parts of `scalars`, in order and covering it, each flagged as match or not.
    /// Empty matches are kept (as the Rust code does); splitting drops empty pieces later.
    func parts(of scalars: [Unicode.Scalar]) -> [(range: Range<Int>, isMatch: Bool)] {
        if scalars.isEmpty { return [(0..<0, false)] }
        var parts: [(range: Range<Int>, isMatch: Bool)] = []
        var previous = 0
        func add(_ match: Range<Int>) {
            if previous != match.lowerBound { parts.append((previous..<match.lowerBound, false)) }
            parts.append((match, true))
            previous = match.upperBound
        }
        switch self {
        case .literal(let needle):
            if needle.isEmpty { return [(0..<scalars.count, false)] }
            var i = 0
            while i + needle.count <= scalars.count {
                if scalars[i] == needle[0] && scalars[i..<(i + needle.count)].elementsEqual(needle) {
                    add(i..<(i + needle.count))
                    i += needle.count
                } else {
                    i += 1
                }
            }
        case .regex(let regex):
            for match in regex.matches(in: scalars) { add(match) }
        case .characters(let characterClass):
            for (i, c) in scalars.enumerated() where characterClass.contains(c) { add(i..<(i + 1)) }
        }
        if previous != scalars.count { parts.append((previous..<scalars.count, false)) }
        return parts
    }
}
