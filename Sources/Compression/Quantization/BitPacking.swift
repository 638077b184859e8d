/// Packs b-bit codes into a little-endian bitstream and back (b in 1…8).
///
/// Code `i` occupies stream bits `i·b … i·b + b − 1`, its least significant bit first; stream bit
/// `t` is bit `t mod 8` (LSB = 0) of byte `⌊t/8⌋`. The stream is not padded between rows, so
/// `count` codes take exactly `⌈count·b/8⌉` bytes (unused high bits of the last byte are 0). This is
/// numpy's `np.unpackbits(bytes, bitorder="little")` order.
public enum BitPacking {
    /// The `⌈codes.count·bits/8⌉` bytes holding `codes` (each below `2^bits`).
    public static func pack(_ codes: [UInt8], bits: Int) -> [UInt8] {
        precondition(bits >= 1 && bits <= 8, "bit width \(bits) is outside 1…8")
        var bytes = [UInt8](repeating: 0, count: (codes.count * bits + 7) / 8)
        var position = 0
        for code in codes {
            let byte = position >> 3, shift = position & 7
            let value = UInt16(code) << shift
            bytes[byte] |= UInt8(truncatingIfNeeded: value)
            if shift + bits > 8 { bytes[byte + 1] |= UInt8(truncatingIfNeeded: value >> 8) }
            position += bits
        }
        return bytes
    }

    /// The first `count` codes of a stream written by ``pack(_:bits:)``.
    public static func unpack(_ bytes: [UInt8], bits: Int, count: Int) -> [UInt8] {
        precondition(bits >= 1 && bits <= 8, "bit width \(bits) is outside 1…8")
        precondition(bytes.count * 8 >= count * bits, "\(bytes.count) bytes cannot hold \(count) codes of \(bits) bits")
        let mask = UInt16((1 << bits) - 1)
        var codes = [UInt8](repeating: 0, count: count)
        var position = 0
        for index in 0..<count {
            let byte = position >> 3, shift = position & 7
            var window = UInt16(bytes[byte])
            if byte + 1 < bytes.count { window |= UInt16(bytes[byte + 1]) << 8 }
            codes[index] = UInt8(truncatingIfNeeded: (window >> shift) & mask)
            position += bits
        }
        return codes
    }
}
