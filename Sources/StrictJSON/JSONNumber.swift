/// A JSON number that keeps its literal text, so nothing is lost by rounding through `Double`.
///
/// Integer conversions are exact: `18446744073709551615` is a valid `UInt64` and
/// `9007199254740993` a valid `Int` even though neither survives a trip through `Double`.
/// Only literals written without a fraction or an exponent count as integers: `1.0` and `1e3`
/// give `nil` from ``intValue`` and ``uint64Value``. That is deliberate: safetensors offsets and
/// shapes must be plain integers (Python's reader rejects `1.0` there too), and accepting
/// `1e3` would make two different headers mean the same layout.
public struct JSONNumber: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The literal text exactly as it appears in the document (or as produced by an initializer).
    public let text: String

    /// Creates a number from literal text, or `nil` when the text is not an RFC 8259 number
    /// (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`).
    public init?(text: String) {
        let valid = Array(text.utf8).withUnsafeBufferPointer { JSONNumber.isValidLiteral($0) }
        guard valid else { return nil }
        self.text = text
    }

    /// Creates a number from text already checked by the parser.
    init(validatedText: String) {
        self.text = validatedText
    }

    /// Creates an integer number.
    public init(_ value: Int) {
        self.text = String(value)
    }

    /// Creates an unsigned integer number.
    public init(_ value: UInt64) {
        self.text = String(value)
    }

    /// Creates a number from a `Double`, using the shortest text that reads back as the same
    /// value; `nil` for infinities and NaN, which JSON cannot express.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        let text = "\(value)"
        guard JSONNumber(text: text) != nil else { return nil }
        self.text = text
    }

    /// The literal text.
    public var description: String { text }

    /// True when the literal has neither a fraction nor an exponent (`12`, `-3`, `0`).
    public var isInteger: Bool {
        !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }

    /// The exact value as `Int`, or `nil` when the literal is not an integer or is out of range.
    public var intValue: Int? {
        guard isInteger else { return nil }
        var utf8 = text.utf8[...]
        let negative = utf8.first == UInt8(ascii: "-")
        if negative { utf8 = utf8.dropFirst() }
        var result = 0
        for byte in utf8 {
            let digit = Int(byte &- UInt8(ascii: "0"))
            let (shifted, o1) = result.multipliedReportingOverflow(by: 10)
            if o1 { return nil }
            let (next, o2) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            if o2 { return nil }
            result = next
        }
        return result
    }

    /// The exact value as `Int64`, or `nil` when the literal is not an integer or is out of range.
    public var int64Value: Int64? { intValue.map { Int64($0) } }

    /// The exact value as `UInt64`, or `nil` when the literal is not a non-negative integer in range.
    public var uint64Value: UInt64? {
        guard isInteger, text.utf8.first != UInt8(ascii: "-") else {
            // "-0" is zero.
            return text == "-0" ? 0 : nil
        }
        var result: UInt64 = 0
        for byte in text.utf8 {
            let (shifted, o1) = result.multipliedReportingOverflow(by: 10)
            if o1 { return nil }
            let (next, o2) = shifted.addingReportingOverflow(UInt64(byte &- UInt8(ascii: "0")))
            if o2 { return nil }
            result = next
        }
        return result
    }

    /// The value as the nearest `Double` (correctly rounded); out-of-range literals give ±infinity.
    public var doubleValue: Double {
        Double(text) ?? .nan
    }

    /// Checks the RFC 8259 number grammar over a whole buffer.
    static func isValidLiteral(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = bytes.count
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        if i < n, bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n, isDigit(bytes[i]) else { return false }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            while i < n, isDigit(bytes[i]) { i += 1 }
        }
        if i < n, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard i < n, isDigit(bytes[i]) else { return false }
            while i < n, isDigit(bytes[i]) { i += 1 }
        }
        if i < n, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < n, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < n, isDigit(bytes[i]) else { return false }
            while i < n, isDigit(bytes[i]) { i += 1 }
        }
        return i == n
    }
}
