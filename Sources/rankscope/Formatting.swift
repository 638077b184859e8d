import Foundation
import Planning

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

    /// Binary-prefixed size, as in every CLI table: `12.55 GiB`, `512 B` (``ByteCountFormatting/text(_:)``,
    /// shared with the explorer).
    static func bytes(_ value: Int) -> String { ByteCountFormatting.text(value) }

    /// `[4096, 11008]` → `4096×11008`; a scalar is `scalar`.
    static func shape(_ shape: [Int]) -> String {
        shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "×")
    }

    /// Four significant digits, switching to exponent form for very large or small values.
    static func significant(_ value: Double) -> String {
        String(format: "%.4g", value)
    }
}
