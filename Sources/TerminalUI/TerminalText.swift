/// Makes text from files safe to print on a terminal: the one escaping function every human
/// output uses (tables, listings, warnings, error sentences).
///
/// Why: tensor names, config fields and paths come from files anyone can write. Printed raw, a
/// name holding `ESC ] 0 ; … BEL` sets the terminal's title, `ESC [ 2 J` clears the screen, `\r`
/// and `\n` forge lines, and U+0000 ended `inspect`'s listing early. The explorer never draws
/// control characters (``CellBuffer`` turns them into spaces); line-oriented output escapes them
/// visibly instead, so the name can still be told apart and copied.
///
/// Escaped: control characters (C0, DEL, C1), Unicode format characters (bidirectional
/// overrides, zero-width characters) and line/paragraph separators — as `\n`, `\r`, `\t`, `\0`,
/// `\xHH` (below U+0100) or `\u{HHHH}`. Backslashes are left alone, so escaping is idempotent and
/// may be applied to a cell and again to the line holding it. Printable ASCII returns unchanged
/// without allocating.
public enum TerminalText {
    /// `text` with every non-printable character escaped.
    public static func printable(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if isPrintable(scalar) {
                result.unicodeScalars.append(scalar)
            } else {
                result += escape(scalar)
            }
        }
        return result
    }

    /// False for the characters ``printable(_:)`` escapes.
    public static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value >= 0x20 && value < 0x7F { return true }
        if value < 0x20 || (value >= 0x7F && value < 0xA0) { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned: return false
        default: return true
        }
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        case "\0": return "\\0"
        default:
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return scalar.value < 0x100 ? "\\x" + String(repeating: "0", count: 2 - hex.count) + hex : "\\u{" + hex + "}"
        }
    }
}
