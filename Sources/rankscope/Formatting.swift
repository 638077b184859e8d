import Foundation

/// Number and shape formatting for terminal output.
enum Formatting {
    /// `6738415616` → `6,738,415,616`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return value < 0 ? "-" + result : result
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
        return unit == 0 ? "\(value) B" : String(format: "%.2f %@", amount, units[unit])
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
