/// Parses a ``BoundedRegex`` pattern into a ``RegexNode``, refusing what the engine does not
/// run with a clause naming the construct (backreferences, lookaround, possessive quantifiers,
/// inline options, Unicode properties…).
struct RegexParser {
    /// Largest count in `{m,n}`.
    static let maximumCount = 1000

    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var depth = 0

    init(_ pattern: String) { scalars = Array(pattern.unicodeScalars) }

    /// The whole pattern's tree.
    static func parse(_ pattern: String) throws -> RegexNode {
        var parser = RegexParser(pattern)
        let node = try parser.alternation()
        if parser.index < parser.scalars.count {  // only a `)` stops the top level early
            throw BoundedRegexError("a \")\" closes a group that was never opened")
        }
        return node
    }

    private var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private func peek(_ offset: Int) -> Unicode.Scalar? { index + offset < scalars.count ? scalars[index + offset] : nil }

    private mutating func next() -> Unicode.Scalar? {
        defer { index += 1 }
        return peek
    }

    private mutating func alternation() throws -> RegexNode {
        var branches = [try sequence()]
        while peek == "|" {
            index += 1
            branches.append(try sequence())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func sequence() throws -> RegexNode {
        var parts: [RegexNode] = []
        while let scalar = peek, scalar != "|", scalar != ")" {
            parts.append(try quantified())
        }
        switch parts.count {
        case 0: return .empty
        case 1: return parts[0]
        default: return .sequence(parts)
        }
    }

    private mutating func quantified() throws -> RegexNode {
        var node = try atom()
        var quantifiers = 0
        while let bounds = try quantifier() {
            quantifiers += 1
            if quantifiers > 1 {
                throw BoundedRegexError("a quantifier follows another quantifier, as in a** or a{2}{3}")
            }
            if case .assertion = node { throw BoundedRegexError("an anchor or \\b cannot be repeated") }
            if peek == "?" {
                index += 1  // lazy: the same names match
            } else if peek == "+" {
                throw BoundedRegexError("possessive quantifiers (*+, ++, ?+) are not supported")
            }
            node = .repetition(node, minimum: bounds.minimum, maximum: bounds.maximum)
        }
        return node
    }

    /// `*`, `+`, `?` or `{m}`, `{m,}`, `{,n}`, `{m,n}` at the current position, consumed; nil when
    /// there is none (a `{` not forming a count is a literal brace, as in Python).
    private mutating func quantifier() throws -> (minimum: Int, maximum: Int?)? {
        switch peek {
        case "*": index += 1; return (0, nil)
        case "+": index += 1; return (1, nil)
        case "?": index += 1; return (0, 1)
        case "{":
            guard let (minimum, maximum, length) = try braceCount(at: index) else { return nil }
            index += length
            return (minimum, maximum)
        default: return nil
        }
    }

    /// The count `{…}` starting at `position`, with its length in scalars; nil when the brace is
    /// not a count.
    private func braceCount(at position: Int) throws -> (Int, Int?, Int)? {
        var cursor = position + 1
        func number() -> String {
            var digits = ""
            while cursor < scalars.count, scalars[cursor].properties.numericType == .decimal, scalars[cursor].isASCII {
                digits.unicodeScalars.append(scalars[cursor])
                cursor += 1
            }
            return digits
        }
        let low = number()
        var high: String? = low
        if cursor < scalars.count, scalars[cursor] == "," {
            cursor += 1
            high = number()
        }
        guard cursor < scalars.count, scalars[cursor] == "}", !(low.isEmpty && (high ?? "").isEmpty) else { return nil }
        func count(_ digits: String) throws -> Int {
            guard digits.count <= 4, let value = Int(digits), value <= RegexParser.maximumCount else {
                throw BoundedRegexError("the repetition count \(digits) is above the largest allowed, \(RegexParser.maximumCount)")
            }
            return value
        }
        let minimum = low.isEmpty ? 0 : try count(low)
        let maximum = try high.flatMap { $0.isEmpty ? nil : try count($0) }
        if let maximum, maximum < minimum {
            throw BoundedRegexError("the repetition {\(minimum),\(maximum)} has its larger count first")
        }
        return (minimum, maximum, cursor - position + 1)
    }

    private mutating func atom() throws -> RegexNode {
        guard let scalar = next() else { throw BoundedRegexError("the pattern ends too early") }
        switch scalar {
        case "(": return try group()
        case "[": return .scalar(try characterClass())
        case ".": return .scalar(.dot)
        case "^": return .assertion(.start)
        case "$": return .assertion(.end)
        case "\\": return try escape()
        case "*", "+", "?":
            throw BoundedRegexError("\"\(scalar)\" has nothing to repeat before it")  // *, + or ?
        case "{":
            if try braceCount(at: index - 1) != nil { throw BoundedRegexError("a repetition count {…} has nothing to repeat before it") }
            return .scalar(.literal(scalar))
        default: return .scalar(.literal(scalar))
        }
    }

    private mutating func group() throws -> RegexNode {
        if peek == "?" {
            switch (peek(1), peek(2)) {
            case (":", _): index += 2
            case ("=", _): throw BoundedRegexError("lookahead (?=…) is not supported")
            case ("!", _): throw BoundedRegexError("negative lookahead (?!…) is not supported")
            case ("<", "="): throw BoundedRegexError("lookbehind (?<=…) is not supported")
            case ("<", "!"): throw BoundedRegexError("negative lookbehind (?<!…) is not supported")
            case ("<", _), ("P", _), ("'", _): throw BoundedRegexError("named groups and references (?<name>…) are not supported; use (…)")
            case (">", _): throw BoundedRegexError("atomic groups (?>…) are not supported")
            case ("#", _): throw BoundedRegexError("comments (?#…) are not supported")
            default: throw BoundedRegexError("inline options and other (?…) groups are not supported; only (…) and (?:…) are")
            }
        }
        depth += 1
        guard depth <= 200 else { throw BoundedRegexError("groups are nested more than 200 deep") }
        let inner = try alternation()
        depth -= 1
        guard next() == ")" else { throw BoundedRegexError("a \"(\" is never closed") }
        return inner
    }

    /// An escape outside a class: `\d \w \s` and their negations, `\b \B`, control escapes, or an
    /// escaped punctuation character standing for itself.
    private mutating func escape() throws -> RegexNode {
        guard let scalar = peek else { throw BoundedRegexError("the pattern ends with a lone backslash") }
        switch scalar {
        case "b": index += 1; return .assertion(.wordBoundary)
        case "B": index += 1; return .assertion(.notWordBoundary)
        case "A", "Z", "z", "G": throw BoundedRegexError("the anchor \\\(scalar) is not supported; use ^ or $")
        default: break
        }
        let item = try escapedItem()
        return .scalar(ScalarClass(items: [item]))
    }

    /// The item an escape stands for, in or outside a class (the backslash already consumed).
    private mutating func escapedItem() throws -> ScalarClass.Item {
        guard let scalar = next() else { throw BoundedRegexError("the pattern ends with a lone backslash") }
        switch scalar {
        case "d": return .digit(negated: false)
        case "D": return .digit(negated: true)
        case "w": return .word(negated: false)
        case "W": return .word(negated: true)
        case "s": return .space(negated: false)
        case "S": return .space(negated: true)
        case "n": return .range(10, 10)
        case "t": return .range(9, 9)
        case "r": return .range(13, 13)
        case "f": return .range(12, 12)
        case "v": return .range(11, 11)
        case "x":
            guard let high = peek.flatMap(hexValue),
                  let low = peek(1).flatMap(hexValue) else {
                throw BoundedRegexError("\\x must be followed by two hexadecimal digits")
            }
            index += 2
            return .range(high * 16 + low, high * 16 + low)
        case "1"..."9", "k":
            throw BoundedRegexError("backreferences (\\\(scalar)) are not supported")
        case "0": throw BoundedRegexError("octal escapes (\\0) are not supported; use \\x")
        case "p", "P": throw BoundedRegexError("Unicode property classes (\\\(scalar){…}) are not supported")
        case "Q", "E": throw BoundedRegexError("quoting with \\Q…\\E is not supported; escape each character")
        default:
            guard !(scalar.properties.isAlphabetic || scalar.properties.numericType != nil) else {
                throw BoundedRegexError("the escape \\\(RegexParser.shown(scalar.value)) is not supported")
            }
            return .range(scalar.value, scalar.value)
        }
    }

    /// A scalar for a message: itself when it is printable ASCII, else `U+XXXX`.
    static func shown(_ value: UInt32) -> String {
        if value > 0x20 && value < 0x7F, let scalar = Unicode.Scalar(value) { return String(scalar) }
        return "U+" + String(value, radix: 16, uppercase: true).leftPadded(to: 4)
    }

    private func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": return scalar.value - 48
        case "a"..."f": return scalar.value - 87
        case "A"..."F": return scalar.value - 55
        default: return nil
        }
    }

    /// `[…]` after its `[`: items, ranges `a-z`, a leading `^` negating, a `]` first standing for
    /// itself.
    private mutating func characterClass() throws -> ScalarClass {
        var set = ScalarClass(items: [])
        if peek == "^" {
            set.negated = true
            index += 1
        }
        var first = true
        while true {
            guard let scalar = next() else { throw BoundedRegexError("a character class \"[\" is never closed") }
            if scalar == "]" && !first { break }
            first = false
            if scalar == "[" {
                throw BoundedRegexError("a \"[\" inside a character class (nested classes, [:alpha:]) is not supported; write \\[ for the character")
            }
            if scalar == "&" && peek == "&" {
                throw BoundedRegexError("class intersection (&&) is not supported")
            }
            let lower: ScalarClass.Item
            if scalar == "\\" {
                if peek == "b" { throw BoundedRegexError("\\b inside a character class is not supported") }
                lower = try escapedItem()
            } else {
                lower = .range(scalar.value, scalar.value)
            }
            guard peek == "-", let after = peek(1), after != "]", case .range(let low, _) = lower else {
                set.items.append(lower)
                continue
            }
            index += 1  // the "-"
            let upperItem: ScalarClass.Item
            if next() == "\\" {
                upperItem = try escapedItem()
            } else {
                upperItem = .range(after.value, after.value)
            }
            guard case .range(let high, _) = upperItem else {
                throw BoundedRegexError("a range in a character class must end at a single character, not a class such as \\d")
            }
            guard low <= high else {
                throw BoundedRegexError("the range \(RegexParser.shown(low))-\(RegexParser.shown(high)) in a character class runs backwards")
            }
            set.items.append(.range(low, high))
        }
        return set
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
