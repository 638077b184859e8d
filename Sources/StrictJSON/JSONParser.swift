/// A strict RFC 8259 JSON parser that works over bytes.
///
/// Strict means: exactly one value, optionally surrounded by whitespace (space, tab, CR, LF);
/// no comments, trailing commas, single quotes, `NaN`, leading zeros or byte-order mark; UTF-8
/// is validated everywhere; `\u` escapes must pair surrogates correctly; duplicate keys are
/// rejected by default. Errors carry the line, column and byte offset of the problem.
///
/// The parser runs over a contiguous byte buffer without building `Character`s, so a 100 MB
/// safetensors header parses in about a second.
public enum JSONParser {
    /// Knobs for ``JSONParser``.
    public struct Options: Sendable, Equatable {
        /// Reject an object that holds the same key twice (default `true`). When `false`, all
        /// members are kept and lookups return the last one.
        public var rejectDuplicateKeys: Bool
        /// The deepest nesting of arrays and objects accepted (default 128). The parser recurses
        /// once per level, so this bound is what keeps hostile input from overflowing the stack.
        public var maxDepth: Int

        /// Creates options; the defaults are the strict ones.
        public init(rejectDuplicateKeys: Bool = true, maxDepth: Int = 128) {
            self.rejectDuplicateKeys = rejectDuplicateKeys
            self.maxDepth = maxDepth
        }
    }

    /// Parses one JSON document held in raw memory.
    public static func parse(_ bytes: UnsafeRawBufferPointer, options: Options = Options()) throws -> JSONValue {
        var parser = JSONByteParser(bytes: bytes.bindMemory(to: UInt8.self), options: options)
        return try parser.parseDocument()
    }

    /// Parses one JSON document held in a byte array.
    public static func parse(_ bytes: [UInt8], options: Options = Options()) throws -> JSONValue {
        try bytes.withUnsafeBytes { try parse($0, options: options) }
    }

    /// Parses one JSON document from any byte collection (e.g. `Data` or an `ArraySlice`).
    public static func parse<Bytes: Collection>(_ bytes: Bytes, options: Options = Options()) throws -> JSONValue
    where Bytes.Element == UInt8 {
        if let result = try bytes.withContiguousStorageIfAvailable({ buffer in
            try parse(UnsafeRawBufferPointer(buffer), options: options)
        }) {
            return result
        }
        return try parse(Array(bytes), options: options)
    }

    /// Parses one JSON document held in a string (its UTF-8 encoding is parsed).
    public static func parse(_ text: String, options: Options = Options()) throws -> JSONValue {
        try parse(Array(text.utf8), options: options)
    }
}
