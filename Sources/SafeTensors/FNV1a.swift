/// The 64-bit FNV-1a hash, used to fingerprint headers cheaply and reproducibly across runs
/// (unlike `Hasher`, which is seeded per process).
enum FNV1a {
    /// The FNV-1a 64 offset basis.
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    /// The FNV-1a 64 prime.
    static let prime: UInt64 = 0x0000_0100_0000_01B3

    /// The hash of `bytes`.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h = offsetBasis
        for byte in bytes {
            h = (h ^ UInt64(byte)) &* prime
        }
        return h
    }
}
