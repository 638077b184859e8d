import Foundation

/// Short number texts for table cells and the title line.
enum ExplorerFormat {
    /// `950`, `12.3K`, `4.19M`, `6.74B`.
    static func count(_ value: Int) -> String {
        let a = Double(value.magnitude)
        let sign = value < 0 ? "-" : ""
        switch a {
        case ..<1_000: return "\(value)"
        case ..<1_000_000: return sign + String(format: "%.1fK", a / 1e3)
        case ..<1_000_000_000: return sign + String(format: "%.2fM", a / 1e6)
        default: return sign + String(format: "%.2fB", a / 1e9)
        }
    }

    /// A fraction as a percentage: `1.23%`.
    static func percent(_ fraction: Double) -> String {
        String(format: "%.2f%%", fraction * 100)
    }

    /// Four significant digits.
    static func number(_ value: Double) -> String { String(format: "%.4g", value) }
}
