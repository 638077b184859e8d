import Foundation

/// Conversions between `String` and the Unicode-scalar arrays the pipeline works on.
///
/// The tokenizer never compares `String`s or `Character`s: Swift treats canonically equivalent
/// strings as equal (`"é" == "e\u{301}"`), while token vocabularies distinguish them. Every
/// step works on scalars and every lookup on UTF-8 bytes.
enum ScalarText {
    /// The scalars of `text`.
    static func scalars(_ text: String) -> [Unicode.Scalar] {
        Array(text.unicodeScalars)
    }

    /// A string holding exactly `scalars`.
    static func string<S: Sequence>(_ scalars: S) -> String where S.Element == Unicode.Scalar {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// The UTF-8 bytes of `scalars`, appended to `bytes`.
    static func appendUTF8<S: Sequence>(_ scalars: S, to bytes: inout [UInt8]) where S.Element == Unicode.Scalar {
        for scalar in scalars {
            UTF8.encode(scalar) { bytes.append($0) }
        }
    }

    /// The UTF-8 bytes of `scalars`.
    static func utf8<S: Sequence>(_ scalars: S) -> [UInt8] where S.Element == Unicode.Scalar {
        var bytes: [UInt8] = []
        appendUTF8(scalars, to: &bytes)
        return bytes
    }

    /// The Unicode normalization form `form` of `scalars` (Foundation's, i.e. ICU's, tables).
    static func normalize(_ scalars: [Unicode.Scalar], _ form: UnicodeForm) -> [Unicode.Scalar] {
        if scalars.allSatisfy({ $0.value < 0x80 }) { return scalars }
        let text = string(scalars)
        let result: String
        switch form {
        case .nfc: result = text.precomposedStringWithCanonicalMapping
        case .nfd: result = text.decomposedStringWithCanonicalMapping
        case .nfkc: result = text.precomposedStringWithCompatibilityMapping
        case .nfkd: result = text.decomposedStringWithCompatibilityMapping
        }
        return Array(result.unicodeScalars)
    }

    /// The full lower-case mapping of each scalar on its own (Rust's `char::to_lowercase`,
    /// which has no context-sensitive final sigma).
    static func lowercase(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        for scalar in scalars {
            if scalar.value < 0x80 {
                out.append(scalar.value >= 0x41 && scalar.value <= 0x5A ? Unicode.Scalar(scalar.value + 32)! : scalar)
            } else {
                out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return out
    }
}
