import Foundation

/// Fixed-point decimal text of a double, digit for digit what `String(format: "%.Nf", value)`
/// prints for N = 0, 1 or 2, without Foundation's formatter (which dominated `inspect`'s own
/// time). Shared by the CLI tables and ``ByteCountFormatting``.
public enum FixedDecimalText {
    /// `String(format: "%.Nf", value)` for N = `fractionDigits` (0, 1 or 2): `1.125` → `1.12`
    /// (ties to even, like printf), `0.05` → `0.1` (0.05 is slightly above ½·10⁻¹ as a double).
    ///
    /// For 2⁻¹⁰ ≤ value < 2⁵³ the double is m·2⁻ˢ exactly, so value·10ᴺ is rounded to an integer
    /// as printf does (to nearest, ties to even) with integer arithmetic. Other values (negative,
    /// tiny, huge, not finite) go through `String(format:)`.
    public static func string(_ value: Double, fractionDigits: Int) -> String {
        precondition((0...2).contains(fractionDigits), "zero, one or two fraction digits")
        let scale: UInt64 = fractionDigits == 0 ? 1 : fractionDigits == 1 ? 10 : 100
        if value == 0 && value.sign == .plus { return fractionDigits == 0 ? "0" : "0." + String(repeating: "0", count: fractionDigits) }
        guard value.isFinite, value > 0, value < 0x1p53, value.exponent >= -10 else {
            return String(format: "%.\(fractionDigits)f", value)
        }
        let shift = 52 - Int(value.exponent)  // 0...62
        let scaled = ((UInt64(1) << 52) | value.significandBitPattern) * scale  // < 2⁶⁰
        var units = scaled >> UInt64(shift)
        if shift > 0 {
            let remainder = scaled & ((UInt64(1) << UInt64(shift)) - 1)
            let half = UInt64(1) << UInt64(shift - 1)
            if remainder > half || (remainder == half && units % 2 == 1) { units += 1 }
        }
        guard fractionDigits > 0 else { return String(units) }
        let fraction = String(units % scale)
        return "\(units / scale)." + String(repeating: "0", count: fractionDigits - fraction.count) + fraction
    }
}
