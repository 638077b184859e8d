/// The K-quants: 256-weight super-blocks of 16 or 8 sub-blocks, each with its own small integer
/// scale (and minimum) multiplied by the super-block's F16 `d` (and `dmin`).
///
/// Bit layouts (weight `p` of the super-block, `l = p % 32`):
/// - Q2_K `scales[16] qs[64] d dmin`: 2-bit `q = qs[32·(p/128) + l] >> 2·((p%128)/32)`; sub-block
///   `p/16` has scale `d·(s & 15)` and minimum `dmin·(s >> 4)`.
/// - Q3_K `hmask[32] qs[64] scales[12] d`: the same 2 low bits, a third bit
///   `hmask[l] >> (p/32)` that *subtracts* 4 when clear; 16 signed 6-bit scales − 32.
/// - Q4_K `d dmin scales[12] qs[128]`: sub-block `b = p/32` in nibble `b%2` of `qs[32·(b/2) + l]`;
///   8 pairs of 6-bit scale and minimum packed into 12 bytes.
/// - Q5_K `d dmin scales[12] qh[32] qs[128]`: Q4_K plus a fifth bit `qh[l] >> b`.
/// - Q6_K `ql[128] qh[64] scales[16] d`: 4 low bits `ql[64·h + 32·c + l] >> 4·s` and 2 high bits
///   `qh[32·h + l] >> 2·(2s + c)` for `p = 128h + 64s + 32c + l`, minus 32; signed 8-bit scales.
extension GGUFDequantizer {
    /// Q2_K: `(d·sc)·q − dmin·m`.
    static func q2_K(_ block: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>) {
        let d = half(block, 80), dmin = half(block, 82)
        for p in 0..<256 {
            let s = byte(block, p / 16)
            let q = (byte(block, 16 + 32 * (p / 128) + p % 32) >> UInt8(2 * ((p % 128) / 32))) & 3
            out[p] = (d * Float(s & 0x0F)) * Float(q) - dmin * Float(s >> 4)
        }
    }

    /// Q3_K: `(d·(sc − 32))·(q − 4·¬hbit)`.
    static func q3_K(_ block: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>) {
        let d = half(block, 108)
        for i in 0..<16 {
            let low = i < 8 ? byte(block, 96 + i) & 0x0F : byte(block, 96 + i - 8) >> 4
            let high = (byte(block, 104 + i % 4) >> UInt8(2 * (i / 4))) & 3
            let scale = d * Float(Int(low | high << 4) - 32)
            for p in (16 * i)..<(16 * i + 16) {
                let l = p % 32
                let quant = Int((byte(block, 32 + 32 * (p / 128) + l) >> UInt8(2 * ((p % 128) / 32))) & 3)
                let highBit = Int((byte(block, l) >> UInt8(p / 32)) & 1)
                out[p] = scale * Float(quant - ((highBit ^ 1) << 2))
            }
        }
    }

    /// The 6-bit scale and minimum of sub-block `j` (0..<8) from the 12 bytes at `offset`.
    @inline(__always)
    static func scaleAndMin(_ block: UnsafeRawPointer, _ offset: Int, _ j: Int) -> (Float, Float) {
        if j < 4 {
            return (Float(byte(block, offset + j) & 0x3F), Float(byte(block, offset + 4 + j) & 0x3F))
        }
        let packed = byte(block, offset + 8 + j - 4)
        let scale = (packed & 0x0F) | ((byte(block, offset + j - 4) >> 2) & 0x30)
        let minimum = (packed >> 4) | ((byte(block, offset + j) >> 2) & 0x30)
        return (Float(scale), Float(minimum))
    }

    /// Q4_K: `(d·sc)·q − dmin·m`.
    static func q4_K(_ block: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>) {
        let d = half(block, 0), dmin = half(block, 2)
        for b in 0..<8 {
            let (sc, m) = scaleAndMin(block, 4, b)
            let scale = d * sc, minimum = dmin * m
            for l in 0..<32 {
                let q = (byte(block, 16 + 32 * (b / 2) + l) >> UInt8(4 * (b % 2))) & 0x0F
                out[32 * b + l] = scale * Float(q) - minimum
            }
        }
    }

    /// Q5_K: `(d·sc)·q − dmin·m` with 5-bit `q`.
    static func q5_K(_ block: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>) {
        let d = half(block, 0), dmin = half(block, 2)
        for b in 0..<8 {
            let (sc, m) = scaleAndMin(block, 4, b)
            let scale = d * sc, minimum = dmin * m
            for l in 0..<32 {
                let low = (byte(block, 48 + 32 * (b / 2) + l) >> UInt8(4 * (b % 2))) & 0x0F
                let high = (byte(block, 16 + l) >> UInt8(b)) & 1
                out[32 * b + l] = scale * Float(low | high << 4) - minimum
            }
        }
    }

    /// Q6_K: `(d·sc)·(q − 32)`.
    static func q6_K(_ block: UnsafeRawPointer, _ out: UnsafeMutablePointer<Float>) {
        let d = half(block, 208)
        for p in 0..<256 {
            let h = p / 128, s = (p % 128) / 64, c = (p % 64) / 32, l = p % 32
            let low = (byte(block, 64 * h + 32 * c + l) >> UInt8(4 * s)) & 0x0F
            let high = (byte(block, 128 + 32 * h + l) >> UInt8(2 * (2 * s + c))) & 3
            let scale = d * Float(Int8(bitPattern: byte(block, 192 + p / 16)))
            out[p] = scale * Float(Int(low | high << 4) - 32)
        }
    }
}
