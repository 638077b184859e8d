/// The recursive-descent machinery behind ``JSONParser``: one pass over a byte buffer that
/// tracks the current line so every key and error gets an exact ``SourcePosition``.
struct JSONByteParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let options: JSONParser.Options
    private var index = 0
    private var line = 1
    private var lineStart = 0
    /// Reused scratch space for strings that need unescaping or non-ASCII validation.
    private var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>, options: JSONParser.Options) {
        self.bytes = bytes
        self.options = options
    }

    // MARK: Entry

    mutating func parseDocument() throws -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else {
            throw error(.syntax, bytes.isEmpty ? "empty document, expected a JSON value" : "expected a JSON value but found only whitespace")
        }
        let value = try parseValue(depth: 0)
        skipWhitespace()
        if index < bytes.count {
            throw unexpected("after the JSON value; only whitespace may follow it")
        }
        return value
    }

    // MARK: Positions and errors

    private var position: SourcePosition {
        SourcePosition(line: line, column: index - lineStart + 1, offset: index)
    }

    private func error(_ kind: JSONParseError.Kind, _ message: String) -> JSONParseError {
        JSONParseError(kind: kind, message: message, position: position)
    }

    private func error(_ kind: JSONParseError.Kind, _ message: String, at position: SourcePosition) -> JSONParseError {
        JSONParseError(kind: kind, message: message, position: position)
    }

    /// An error about the byte at `index`, naming it readably.
    private func unexpected(_ context: String) -> JSONParseError {
        guard index < bytes.count else {
            return error(.syntax, "unexpected end of input \(context)")
        }
        let byte = bytes[index]
        if byte >= 0x80 && utf8SequenceLength(at: index) == nil {
            return error(.invalidUTF8, "invalid UTF-8 byte 0x\(hex(byte))")
        }
        return error(.syntax, "unexpected \(describe(byte)) \(context)")
    }

    private func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "character '\(Character(Unicode.Scalar(byte)))'" }
        if byte >= 0x80 { return "non-ASCII character" }
        return "byte 0x\(hex(byte))"
    }

    private func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }

    // MARK: Whitespace

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0D:
                index += 1
            case 0x0A:
                index += 1
                line += 1
                lineStart = index
            default:
                return
            }
        }
    }

    // MARK: Values

    private mutating func parseValue(depth: Int) throws -> JSONValue {
        guard index < bytes.count else {
            throw error(.syntax, "unexpected end of input, expected a JSON value")
        }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["):
            return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        default:
            throw unexpected("where a JSON value was expected")
        }
    }

    private mutating func expectLiteral(_ word: StaticString) throws {
        let start = position
        let count = word.utf8CodeUnitCount
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
        var i = 0
        while i < count {
            guard index + i < bytes.count, bytes[index + i] == expected[i] else {
                throw error(.syntax, "invalid literal, expected '\(word)'", at: start)
            }
            i += 1
        }
        index += count
    }

    private mutating func checkDepth(_ depth: Int) throws {
        if depth > options.maxDepth {
            throw error(.nestingTooDeep, "arrays and objects are nested deeper than \(options.maxDepth) levels")
        }
    }

    private mutating func parseArray(depth: Int) throws -> JSONValue {
        try checkDepth(depth)
        index += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard index < bytes.count else {
                throw error(.syntax, "unexpected end of input, expected ',' or ']' after array element")
            }
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: ",") { continue }
            if byte == UInt8(ascii: "]") { return .array(elements) }
            index -= 1
            throw unexpected("where ',' or ']' was expected after array element")
        }
    }

    private mutating func parseObject(depth: Int) throws -> JSONValue {
        try checkDepth(depth)
        index += 1  // {
        var object = JSONObject()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw unexpected("where a string key was expected")
            }
            let keyPosition = position
            let key = try parseString()
            if options.rejectDuplicateKeys, let first = object.memberIndex(forKey: key) {
                var firstNote = ""
                if let p = object.members[first].position { firstNote = " (first at \(p))" }
                throw error(.duplicateKey(key), "duplicate key \"\(key)\"\(firstNote)", at: keyPosition)
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw unexpected("where ':' was expected after object key")
            }
            index += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            object.append(JSONObject.Member(key: key, value: value, position: keyPosition))
            skipWhitespace()
            guard index < bytes.count else {
                throw error(.syntax, "unexpected end of input, expected ',' or '}' after object member")
            }
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: ",") { continue }
            if byte == UInt8(ascii: "}") { return .object(object) }
            index -= 1
            throw error(.syntax, "expected ',' or '}' after object member")
        }
    }

    // MARK: Numbers

    private mutating func parseNumber() throws -> JSONNumber {
        let start = index
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else {
            throw unexpected("in number, expected a digit after '-'")
        }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) {
                throw error(.syntax, "leading zeros are not allowed in numbers")
            }
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw unexpected("in number, expected a digit after '.'")
            }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw unexpected("in number, expected a digit in the exponent")
            }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        return JSONNumber(validatedText: text)
    }

    // MARK: Strings

    /// The length of the valid UTF-8 sequence starting at `i` (a non-ASCII lead byte), or `nil`.
    private func utf8SequenceLength(at i: Int) -> Int? {
        let b0 = bytes[i]
        func cont(_ k: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            i + k < bytes.count && bytes[i + k] >= low && bytes[i + k] <= high
        }
        switch b0 {
        case 0xC2...0xDF:
            return cont(1) ? 2 : nil
        case 0xE0:
            return cont(1, 0xA0) && cont(2) ? 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF:
            return cont(1) && cont(2) ? 3 : nil
        case 0xED:
            return cont(1, 0x80, 0x9F) && cont(2) ? 3 : nil
        case 0xF0:
            return cont(1, 0x90) && cont(2) && cont(3) ? 4 : nil
        case 0xF1...0xF3:
            return cont(1) && cont(2) && cont(3) ? 4 : nil
        case 0xF4:
            return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : nil
        default:
            return nil
        }
    }

    private mutating func parseString() throws -> String {
        let openQuote = position
        index += 1  // "
        let start = index
        // Fast path: plain ASCII without escapes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return s
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
            index += 1
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: scratch, as: UTF8.self)
            } else if byte == UInt8(ascii: "\\") {
                try parseEscape()
            } else if byte < 0x20 {
                throw error(.syntax, "control character 0x\(hex(byte)) must be escaped inside a string")
            } else if byte < 0x80 {
                scratch.append(byte)
                index += 1
            } else {
                guard let length = utf8SequenceLength(at: index) else {
                    throw error(.invalidUTF8, "invalid UTF-8 byte 0x\(hex(byte)) in string")
                }
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<(index + length)]))
                index += length
            }
        }
        throw error(.syntax, "unterminated string starting at \(openQuote)")
    }

    private mutating func readHex4() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else {
                throw error(.syntax, "unexpected end of input in \\u escape")
            }
            let b = bytes[index]
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw unexpected("in \\u escape, expected a hexadecimal digit")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private mutating func parseEscape() throws {
        let escapeStart = position
        index += 1  // backslash
        guard index < bytes.count else {
            throw error(.syntax, "unexpected end of input in string escape")
        }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): scratch.append(0x22)
        case UInt8(ascii: "\\"): scratch.append(0x5C)
        case UInt8(ascii: "/"): scratch.append(0x2F)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var code = try readHex4()
            if code >= 0xDC00 && code <= 0xDFFF {
                throw error(.syntax, "lone low surrogate \\u\(String(code, radix: 16, uppercase: true)) in string", at: escapeStart)
            }
            if code >= 0xD800 && code <= 0xDBFF {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw error(.syntax, "lone high surrogate \\u\(String(code, radix: 16, uppercase: true)) in string, expected a \\u escape for its low surrogate", at: escapeStart)
                }
                index += 2
                let low = try readHex4()
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    throw error(.syntax, "high surrogate \\u\(String(code, radix: 16, uppercase: true)) is not followed by a low surrogate", at: escapeStart)
                }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(code) else {
                throw error(.syntax, "invalid \\u escape", at: escapeStart)
            }
            appendUTF8(scalar.value)
        default:
            index -= 1
            throw error(.syntax, "invalid escape '\\\(describeEscape(byte))' in string", at: escapeStart)
        }
    }

    /// Appends the UTF-8 encoding of a valid scalar value to `scratch`.
    private mutating func appendUTF8(_ v: UInt32) {
        switch v {
        case 0..<0x80:
            scratch.append(UInt8(v))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | (v >> 6)))
            scratch.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | (v >> 12)))
            scratch.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (v & 0x3F)))
        default:
            scratch.append(UInt8(0xF0 | ((v >> 18) & 0x07)))
            scratch.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (v & 0x3F)))
        }
    }

    private func describeEscape(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return String(Character(Unicode.Scalar(byte))) }
        return "<0x\(hex(byte))>"
    }
}
