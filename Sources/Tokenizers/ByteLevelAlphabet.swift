/// GPT-2's reversible map between bytes and printable characters: bytes `!`…`~`, `¡`…`¬` and
/// `®`…`ÿ` stand for themselves, the other 68 bytes for U+0100… in byte order. Byte-level
/// vocabularies are written in these characters (a space is `Ġ`, a newline `Ċ`).
enum ByteLevelAlphabet {
    /// The character standing for each byte.
    static let characterOfByte: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            switch byte {
            case 0x21...0x7E, 0xA1...0xAC, 0xAE...0xFF:
                table[byte] = Unicode.Scalar(UInt32(byte))!
            default:
                table[byte] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    /// The byte each character of the alphabet stands for.
    static let byteOfCharacter: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (byte, c) in characterOfByte.enumerated() { map[c.value] = UInt8(byte) }
        return map
    }()

    /// The alphabet characters for the UTF-8 bytes of `scalars`.
    static func encode(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count)
        for scalar in scalars {
            if scalar.value < 0x80 {
                out.append(characterOfByte[Int(scalar.value)])
            } else {
                UTF8.encode(scalar) { out.append(characterOfByte[Int($0)]) }
            }
        }
        return out
    }
}
