/// Reads little-endian values from a GGUF file image front to back, failing with the sentence
/// the user needs (what was being read, where, and how big the file is) instead of reading past
/// its end.
struct GGUFCursor {
    /// The whole file image.
    let bytes: UnsafeRawBufferPointer
    /// The file named in errors.
    let file: String
    /// The next byte to read.
    var offset = 0

    /// Bytes left after ``offset``.
    var remaining: Int { bytes.count - offset }

    func fail(_ problem: GGUFError.Problem) -> GGUFError { GGUFError(file: file, problem: problem) }

    /// Checks that `count` bytes from ``offset`` are in the file.
    func require(_ count: UInt64, for what: @autoclosure () -> String) throws {
        guard count <= UInt64(remaining) else {
            throw fail(.truncated(what: what(), offset: offset, needed: count, fileSize: bytes.count))
        }
    }

    /// An unsigned little-endian integer of `size` bytes.
    mutating func unsigned(_ size: Int, _ what: @autoclosure () -> String) throws -> UInt64 {
        try require(UInt64(size), for: what())
        var value: UInt64 = 0
        for k in 0..<size { value |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
        offset += size
        return value
    }

    mutating func u32(_ what: @autoclosure () -> String) throws -> UInt32 {
        UInt32(truncatingIfNeeded: try unsigned(4, what()))
    }

    mutating func u64(_ what: @autoclosure () -> String) throws -> UInt64 { try unsigned(8, what()) }

    /// A count of items of at least `minimumSize` bytes each, refused when the rest of the file
    /// could not hold that many (so no loop or allocation is sized by a hostile number).
    mutating func count(_ what: String, minimumSize: Int) throws -> Int {
        let value = try u64(what)
        guard value <= UInt64(remaining / max(1, minimumSize)) else {
            throw fail(.countTooLarge(what: what, count: value, remaining: remaining))
        }
        return Int(value)
    }

    /// The byte range of a length-prefixed string, checked to be in the file; skips over it.
    mutating func stringRange(_ what: @autoclosure () -> String) throws -> Range<Int> {
        let length = try u64("the length of " + what())
        try require(length, for: what())
        let start = offset
        offset += Int(length)
        return start..<offset
    }

    /// A length-prefixed string that must be valid UTF-8 (keys, tensor names).
    mutating func strictString(_ what: @autoclosure () -> String) throws -> String {
        let description = what()
        let range = try stringRange(description)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[range])
        guard let text = String(validating: slice, as: UTF8.self) else {
            throw fail(.invalidUTF8(what: description, offset: range.lowerBound))
        }
        return text
    }

    /// A length-prefixed string value; invalid UTF-8 is replaced, as Python's reader would fail
    /// only when asked for the text.
    mutating func lenientString(_ what: @autoclosure () -> String) throws -> String {
        let range = try stringRange(what())
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}
