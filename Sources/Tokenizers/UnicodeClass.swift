/// The character classes the Hugging Face `tokenizers` components test, as Rust and its
/// `unicode_categories` / `regex` crates define them (so the Swift port splits where they do).
enum UnicodeClass {
    /// Rust's `char::is_whitespace`: the Unicode `White_Space` property.
    static func isWhitespace(_ c: Unicode.Scalar) -> Bool {
        c.properties.isWhitespace
    }

    /// BERT's control test: not tab/newline/return, and general category Cc, Cf, Cs, Co or Cn.
    static func isControl(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09, 0x0A, 0x0D: return false
        default: break
        }
        switch c.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    /// BERT's punctuation: ASCII punctuation or Unicode categories Pc, Pd, Ps, Pe, Pi, Pf, Po.
    static func isPunctuation(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return true
        default: break
        }
        switch c.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// Rust's `char::is_numeric`: categories Nd, Nl, No.
    static func isNumeric(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// The `regex` crate's Unicode `\w`: Alphabetic, marks, Nd, Pc and Join_Control.
    static func isWord(_ c: Unicode.Scalar) -> Bool {
        let p = c.properties
        if p.isAlphabetic || p.isJoinControl { return true }
        switch p.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }

    /// Category Mn (what BERT's accent stripping removes after NFD).
    static func isNonspacingMark(_ c: Unicode.Scalar) -> Bool {
        c.properties.generalCategory == .nonspacingMark
    }

    /// Any combining mark: Mn, Mc or Me (what the StripAccents normalizer removes).
    static func isMark(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// The CJK ideograph blocks BERT surrounds with spaces.
    static func isChinese(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
