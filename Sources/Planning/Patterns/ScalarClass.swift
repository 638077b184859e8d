/// A set of Unicode scalars one regex step may consume: a literal, `.`, `\d`, `[a-z_]`, `[^…]`.
struct ScalarClass: Sendable, Equatable {
    /// One member of a class.
    enum Item: Sendable, Equatable {
        /// Every scalar from `lower` through `upper` (a literal when they are equal).
        case range(UInt32, UInt32)
        /// `\d` (decimal digits) or, negated, `\D`.
        case digit(negated: Bool)
        /// `\w` (letters, numbers, `_`) or, negated, `\W`.
        case word(negated: Bool)
        /// `\s` (white space) or, negated, `\S`.
        case space(negated: Bool)

        func contains(_ scalar: Unicode.Scalar) -> Bool {
            switch self {
            case .range(let lower, let upper): return lower <= scalar.value && scalar.value <= upper
            case .digit(let negated): return ScalarClass.isDigit(scalar) != negated
            case .word(let negated): return ScalarClass.isWord(scalar) != negated
            case .space(let negated): return scalar.properties.isWhitespace != negated
            }
        }
    }

    var items: [Item]
    var negated = false

    /// The one scalar `scalar`.
    static func literal(_ scalar: Unicode.Scalar) -> ScalarClass { ScalarClass(items: [.range(scalar.value, scalar.value)]) }

    /// `.`: every scalar but a line feed.
    static let dot = ScalarClass(items: [.range(10, 10)], negated: true)

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        var found = false
        for item in items where item.contains(scalar) {
            found = true
            break
        }
        return found != negated
    }

    /// A decimal digit (Unicode category Nd), as `\d` in Python's `re` and Swift's `Regex`.
    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar.value >= 48 && scalar.value <= 57 }
        return scalar.properties.generalCategory == .decimalNumber
    }

    /// A word character: a letter, a number or `_`.
    static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let v = scalar.value
            return (v >= 48 && v <= 57) || (v >= 65 && v <= 90) || (v >= 97 && v <= 122) || v == 95
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }
}
