/// The 32-weight formats: `d` (F16), for Q4_1/Q5_1 a minimum `m` (F16), for Q5 a 32-bit mask of
/// fifth bits, then the quants: weight `j < 16` in the low nibble of byte `j`, weight `j ≥ 16`
/// in the high nibble of byte `j − 16` (Q8_0: one signed byte each).
extension GGUFDequantizer {
    /// Q4_0: `d · (q − 8)`.
    static func q4_0(_ block: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>) {
        let d = half(block, 0)
        for j in 0..<16 {
            let packed = byte(block, 2 + j)
            out[j] = d * Float(Int(packed & 0x0F) - 8)
            out[j + 16] = d * Float(Int(packed >> 4) - 8)
        }
    }

    /// Q4_1: `d · q + m`.
    static func q4_1(_ block: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>) {
        let d = half(block, 0), m = half(block, 2)
        for j in 0..<16 {
            let packed = byte(block, 4 + j)
            out[j] = d * Float(packed & 0x0F) + m
            out[j + 16] = d * Float(packed >> 4) + m
        }
    }

    /// The 5-bit quants of a Q5 block whose mask starts at `maskOffset`.
    @inline(__always)
    private static func fiveBit(_ block: UnsafeRawPointer, maskOffset: Int, _ j: Int) -> Int {
        let mask = block.loadUnaligned(fromByteOffset: maskOffset, as: UInt32.self).littleEndian
        let packed = byte(block, maskOffset + 4 + (j & 15))
        let low = j < 16 ? packed & 0x0F : packed >> 4
        return Int(low) | Int((mask >> UInt32(j)) & 1) << 4
    }

    /// Q5_0: `d · (q − 16)`.
    static func q5_0(_ block: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>) {
        let d = half(block, 0)
        for j in 0..<32 { out[j] = d * Float(fiveBit(block, maskOffset: 2, j) - 16) }
    }

    /// Q5_1: `d · q + m`.
    static func q5_1(_ block: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>) {
        let d = half(block, 0), m = half(block, 2)
        for j in 0..<32 { out[j] = d * Float(fiveBit(block, maskOffset: 4, j)) + m }
    }

    /// Q8_0: `q · d` with signed bytes.
    static func q8_0(_ block: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>) {
        let d = half(block, 0)
        for j in 0..<32 { out[j] = Float(Int8(bitPattern: byte(block, 2 + j))) * d }
    }
}
