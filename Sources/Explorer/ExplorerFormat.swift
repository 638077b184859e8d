import Foundation
import Planning

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

extension ExplorerFormat {
    /// A fraction as a short percentage without trailing zeros: `99%`, `99.9%`.
    static func trimmedPercent(_ fraction: Double) -> String {
        var text = String(format: "%.2f", fraction * 100)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text + "%"
    }

    /// Bytes in a binary unit, three significant digits, no space: `950B`, `12.3KiB`, `4.19MiB`
    /// (``ByteCountFormatting/compact(_:)``, the CLI's units in fewer cells).
    static func bytes(_ value: Int) -> String { ByteCountFormatting.compact(value) }
}
