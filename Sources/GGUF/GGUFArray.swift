/// A GGUF metadata array, kept as its stored little-endian bytes and decoded on demand.
///
/// A tokenizer vocabulary is an array of 10⁵ strings; parsing keeps its bytes (one copy) and
/// checks every string's length, so listing a file never builds 10⁵ `String`s it will not show.
public struct GGUFArray: Sendable, Equatable {
    /// The type of every element.
    public let elementType: GGUFValueType
    /// The number of elements.
    public let count: Int
    /// The stored bytes of the elements (for strings: each 8-byte length and its bytes).
    let payload: [UInt8]
    /// The elements of an array of arrays.
    let nested: [GGUFArray]

    /// The elements as integers, when they are an integer type (UINT64 values above `Int.max` give `nil`).
    public var integers: [Int]? {
        guard let size = elementType.fixedSize, elementType != .float32, elementType != .float64, elementType != .bool
        else { return nil }
        var out: [Int] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            guard let value = GGUFArray.scalar(elementType, payload, at: i * size)?.intValue else { return nil }
            out.append(value)
        }
        return out
    }

    /// The elements as `Float`s, when they are FLOAT32 (token scores).
    public var floats: [Float]? {
        guard elementType == .float32 else { return nil }
        return (0..<count).map { i in
            Float(bitPattern: GGUFArray.littleEndian(payload, at: i * 4, bytes: 4).map(UInt32.init) ?? 0)
        }
    }

    /// The elements as strings, when they are STRING; invalid UTF-8 is replaced by U+FFFD.
    public var strings: [String]? {
        guard elementType == .string else { return nil }
        var out: [String] = []
        out.reserveCapacity(count)
        var offset = 0
        payload.withUnsafeBufferPointer { bytes in
            for _ in 0..<count {
                let length = Int(GGUFArray.littleEndian(payload, at: offset, bytes: 8) ?? 0)
                out.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[(offset + 8)..<(offset + 8 + length)]), as: UTF8.self))
                offset += 8 + length
            }
        }
        return out
    }

    /// The nested arrays, when the elements are ARRAY.
    public var arrays: [GGUFArray]? { elementType == .array ? nested : nil }

    /// The unsigned little-endian integer of `bytes` bytes at `offset`, or `nil` out of range.
    static func littleEndian(_ payload: [UInt8], at offset: Int, bytes: Int) -> UInt64? {
        guard offset >= 0, offset + bytes <= payload.count else { return nil }
        var value: UInt64 = 0
        for k in 0..<bytes { value |= UInt64(payload[offset + k]) << (8 * UInt64(k)) }
        return value
    }

    /// The fixed-size scalar of `type` at `offset`.
    static func scalar(_ type: GGUFValueType, _ payload: [UInt8], at offset: Int) -> GGUFValue? {
        guard let size = type.fixedSize, let raw = littleEndian(payload, at: offset, bytes: size) else { return nil }
        return GGUFValue.scalar(type, raw: raw)
    }
}
