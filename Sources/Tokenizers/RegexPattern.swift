import Foundation

/// A regular expression from a `tokenizer.json` (`{"Regex": …}` patterns, the GPT-2 pattern of
/// the ByteLevel pre-tokenizer), run by ICU through `NSRegularExpression`.
///
/// `tokenizers` runs file patterns with Oniguruma and a few built-in ones with Rust's `regex`
/// crate; each engine's shorthand classes are spelled out for ICU before compiling (see
/// ``Flavor``). All are leftmost-first engines that try alternatives in order, so matches agree.
struct RegexPattern: @unchecked Sendable {
    /// Whose meaning of the shorthand classes the pattern has.
    enum Flavor: Sendable {
        /// Oniguruma's: `\s` is `White_Space` and `\w` is letters, marks, numbers of every kind
        /// and Pc (ICU's `\w` adds Join_Control, e.g. U+200D, and leaves out No, e.g. "½").
        case oniguruma
        /// The `regex` crate's: `\s` is `White_Space`; its `\w` is ICU's.
        case rustRegex
    }

    // NSRegularExpression is immutable and documented as safe to share between threads.
    private let regex: NSRegularExpression
    /// The pattern as written in the file.
    let source: String

    /// Compiles `source`; `nil` when ICU rejects it.
    init?(_ source: String, flavor: Flavor = .oniguruma) {
        self.source = source
        guard let regex = try? NSRegularExpression(pattern: RegexPattern.icuPattern(source, flavor)) else { return nil }
        self.regex = regex
    }

    /// `source` with the flavour's shorthand classes spelled out for ICU (`\s` as
    /// `\p{White_Space}` in both, which ICU's `\s` already is, written out so it cannot drift).
    static func icuPattern(_ source: String, _ flavor: Flavor) -> String {
        let word = "\\p{L}\\p{M}\\p{N}\\p{Pc}"
        var out = ""
        var classDepth = 0
        var iterator = source.unicodeScalars.makeIterator()
        while let c = iterator.next() {
            switch c {
            case "[": classDepth += 1
            case "]": classDepth = max(0, classDepth - 1)
            default: break
            }
            guard c == "\\" else { out.unicodeScalars.append(c); continue }
            guard let next = iterator.next() else { out.unicodeScalars.append(c); break }
            switch (next, flavor) {
            case ("s", _): out += "\\p{White_Space}"
            case ("S", _): out += "\\P{White_Space}"
            case ("w", .oniguruma): out += classDepth > 0 ? word : "[" + word + "]"
            case ("W", .oniguruma): out += "[^" + word + "]"
            default:
                out.unicodeScalars.append(c)
                out.unicodeScalars.append(next)
            }
        }
        return out
    }

    /// The non-overlapping matches in `scalars`, left to right, as scalar index ranges.
    func matches(in scalars: [Unicode.Scalar]) -> [Range<Int>] {
        if scalars.isEmpty { return [] }
        let text = ScalarText.string(scalars)
        let length = (text as NSString).length
        let found = regex.matches(in: text, options: [], range: NSRange(location: 0, length: length))
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(found.count)
        // Walk UTF-16 offsets and scalar indices together; matches come in increasing order.
        var scalarIndex = 0
        var utf16Offset = 0
        func advance(to target: Int) -> Int {
            while utf16Offset < target && scalarIndex < scalars.count {
                utf16Offset += scalars[scalarIndex].utf16.count
                scalarIndex += 1
            }
            return scalarIndex
        }
        for match in found {
            let start = advance(to: match.range.location)
            let end = advance(to: match.range.location + match.range.length)
            ranges.append(start..<end)
        }
        return ranges
    }
}
