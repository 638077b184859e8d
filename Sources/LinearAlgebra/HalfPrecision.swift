/// Conversions between `Float` and the two 16-bit formats found in checkpoints: IEEE binary16
/// (`f16`) and bfloat16 (`bf16`).
///
/// The widening conversions are exact (every 16-bit value is representable as a `Float`),
/// including subnormals, signed zeros and infinities. A NaN stays a NaN with its sign and the
/// leading payload bits; a signalling NaN comes back quiet, as hardware conversions do.
/// The narrowing conversions round to nearest, ties to even, and overflow to infinity.
///
/// F16 → `Float` goes through a 65,536-entry table built once on first use (256 KiB), so the
/// hot conversion loops in ``SingularValues`` are a load and an index.
public enum HalfPrecision {
    /// `Float` values of all 65,536 binary16 bit patterns, indexed by the pattern.
    ///
    /// Built once, lazily and thread-safely (Swift global initialisation).
    public static let f16Table: [Float] = (0...UInt16.max).map { computeFloat(fromF16: $0) }

    /// The exact `Float` value of the binary16 number with these bits.
    @inlinable
    public static func float(fromF16 bits: UInt16) -> Float {
        f16Table.withUnsafeBufferPointer { $0[Int(bits)] }
    }

    /// The exact `Float` value of the bfloat16 number with these bits.
    @inlinable
    public static func float(fromBF16 bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// The binary16 bits nearest to `value` (round to nearest, ties to even).
    ///
    /// Values at or beyond 65520 round to infinity; values below the smallest subnormal's half
    /// round to a signed zero; NaN maps to a quiet NaN with the same sign.
    public static func f16Bits(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: (bits >> 16) & 0x8000)
        let exponent = Int((bits >> 23) & 0xFF)
        let mantissa = bits & 0x7F_FFFF
        if exponent == 0xFF {
            if mantissa == 0 { return sign | 0x7C00 }
            // Quiet NaN keeping the leading payload bits.
            return sign | 0x7E00 | UInt16(truncatingIfNeeded: mantissa >> 13)
        }
        // Unbiased exponent of the binary32 value; binary16 normal range is -14...15.
        let unbiased = exponent - 127
        if unbiased > 15 { return sign | 0x7C00 }
        if unbiased >= -14 {
            // Normal binary16 candidate: keep 10 mantissa bits, round the dropped 13.
            let halfExponent = UInt32(unbiased + 15)
            var result = (halfExponent << 10) | (mantissa >> 13)
            let dropped = mantissa & 0x1FFF
            if dropped > 0x1000 || (dropped == 0x1000 && (result & 1) == 1) {
                result += 1 // may carry into the exponent, up to 0x7C00 = infinity: correct.
            }
            return sign | UInt16(truncatingIfNeeded: result)
        }
        // Subnormal binary16 (or zero): value = m · 2^-24 with m < 1024.
        if unbiased < -25 { return sign } // below half the smallest subnormal: rounds to zero
        // Full significand with the implicit bit (binary32 subnormals land here only via the
        // `unbiased < -25` test above, so the implicit bit is always present).
        let significand = mantissa | 0x80_0000
        // value = significand · 2^(unbiased - 23); in units of 2^-24 that is a right shift by
        // (-24 - (unbiased - 23)) = -1 - unbiased, between 14 and 24.
        let shift = UInt32(-1 - unbiased)
        var result = significand >> shift
        let remainder = significand & ((1 << shift) - 1)
        let halfway = UInt32(1) << (shift - 1)
        if remainder > halfway || (remainder == halfway && (result & 1) == 1) {
            result += 1 // may become 0x400, the smallest normal: correct.
        }
        return sign | UInt16(truncatingIfNeeded: result)
    }

    /// The bfloat16 bits nearest to `value` (round to nearest, ties to even).
    ///
    /// Overflow rounds to infinity; NaN maps to a quiet NaN with the same sign and leading payload.
    @inlinable
    public static func bf16Bits(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN {
            return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040
        }
        let roundingBias = 0x7FFF + ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: (bits &+ roundingBias) >> 16)
    }

    /// Decodes binary16 bits by bit manipulation; used once to build ``f16Table``.
    static func computeFloat(fromF16 bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32((bits >> 10) & 0x1F)
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0x1F {
            if mantissa == 0 { return Float(bitPattern: sign | 0x7F80_0000) }
            return Float(bitPattern: sign | 0x7FC0_0000 | (mantissa << 13))
        }
        if exponent == 0 {
            // Zero or subnormal: mantissa · 2^-24, exact in binary32.
            let magnitude = Float(mantissa) * 0x1p-24
            return Float(bitPattern: sign | magnitude.bitPattern)
        }
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }
}
