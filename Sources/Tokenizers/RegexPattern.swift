import Foundation

/// A regular expression from a `tokenizer.json` (`{"Regex": …}` patterns, the GPT-2 pattern of
/// the ByteLevel pre-tokenizer), run by ICU through `NSRegularExpression`.
///
/// `tokenizers` runs these patterns with Oniguruma, where `\s` is the Unicode `White_Space`
/// property; ICU's `\s` leaves out U+000B and U+0085, so `\s`/`\S` are rewritten to
/// `\p{White_Space}`/`\P{White_Space}` before compiling. Both engines are backtracking and try
/// alternatives in order, so leftmost matches agree.
struct RegexPattern: @unchecked Sendable {
    // NSRegularExpression is immutable and documented as safe to share between threads.
    private let regex: NSRegularExpression
    /// The pattern as written in the file.
    let source: String

    /// Compiles `source`; `nil` when ICU rejects it.
    init?(_ source: String) {
        self.source = source
        guard let regex = try? NSRegularExpression(pattern: RegexPattern.icuPattern(source)) else { return nil }
        self.regex = regex
    }

    /// `source` with Oniguruma's Unicode `\s`/`\S` spelled out for ICU.
    static func icuPattern(_ source: String) -> String {
        var out = ""
        var iterator = source.unicodeScalars.makeIterator()
        while let c = iterator.next() {
            guard c == "\\" else { out.unicodeScalars.append(c); continue }
            guard let next = iterator.next() else { out.unicodeScalars.append(c); break }
            switch next {
            case "s": out += "\\p{White_Space}"
            case "S": out += "\\P{White_Space}"
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
