import Foundation

/// Number and shape formatting for terminal output.
enum Formatting {
    /// `6738415616` → `6,738,415,616`.
    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value.magnitude).utf8)
        var result: [UInt8] = value < 0 ? [UInt8(ascii: "-")] : []
        result.reserveCapacity(digits.count + digits.count / 3 + 1)
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(UInt8(ascii: ",")) }
            result.append(digit)
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// Binary-prefixed size: `12.55 GiB`, `512 B`.
    static func bytes(_ value: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var amount = Double(value)
        var unit = 0
        while amount >= 1024 && unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        return unit == 0 ? "\(value) B" : fixed(amount, fractionDigits: 2) + " " + units[unit]
    }

    /// `String(format: "%.Nf", value)` for N = 1 or 2, digit for digit, without Foundation's
    /// formatter (which dominated `inspect`'s own time): for 2⁻¹⁰ ≤ value < 2⁵³ the double is
    /// m·2⁻ˢ exactly, so value·10ᴺ is rounded to an integer like printf does (to nearest, ties to
    /// even) with integer arithmetic. Other values go through `String(format:)`.
    static func fixed(_ value: Double, fractionDigits: Int) -> String {
        precondition(fractionDigits == 1 || fractionDigits == 2, "one or two fraction digits")
        let scale: UInt64 = fractionDigits == 1 ? 10 : 100
        if value == 0 && value.sign == .plus { return fractionDigits == 1 ? "0.0" : "0.00" }
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
        let fraction = String(units % scale)
        return "\(units / scale)." + String(repeating: "0", count: fractionDigits - fraction.count) + fraction
    }

    /// `[4096, 11008]` → `4096×11008`; a scalar is `scalar`.
    static func shape(_ shape: [Int]) -> String {
        shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "×")
    }

    /// Four significant digits, switching to exponent form for very large or small values.
    static func significant(_ value: Double) -> String {
        String(format: "%.4g", value)
    }
}
