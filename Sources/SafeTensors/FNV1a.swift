/// The 64-bit FNV-1a hash, used to fingerprint headers cheaply and reproducibly across runs
/// (unlike `Hasher`, which is seeded per process): header fingerprints, cache file names, demo seeds.
public enum FNV1a {
    /// The FNV-1a 64 offset basis.
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    /// The FNV-1a 64 prime.
    public static let prime: UInt64 = 0x0000_0100_0000_01B3

    /// The hash of `bytes`; with `continuing`, of the bytes hashed before (whose hash it is)
    /// followed by these.
    public static func hash(_ bytes: UnsafeRawBufferPointer, continuing start: UInt64 = offsetBasis) -> UInt64 {
        var h = start
        for byte in bytes {
            h = (h ^ UInt64(byte)) &* prime
        }
        return h
    }

    /// The hash of a string's UTF-8 bytes (continuing an earlier hash, see ``hash(_:continuing:)-…``).
    public static func hash(_ text: String, continuing start: UInt64 = offsetBasis) -> UInt64 {
        var copy = text
        return copy.withUTF8 { hash(UnsafeRawBufferPointer($0), continuing: start) }
    }
}
