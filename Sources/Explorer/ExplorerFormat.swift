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

/// Figures read from partial estimates of spectra (``Planning/SpectrumEstimate``): marked `≈`
/// and kept within the table's cells (6 for an error, 4 for a rank).
extension ExplorerFormat {
    /// `≈1.23%`, `≈12.3%`, `≈100%`: an estimated error (an upper bound) in six cells.
    static func estimatedPercent(_ fraction: Double) -> String {
        let percent = fraction * 100
        if percent < 9.995 { return "≈" + String(format: "%.2f%%", percent) }
        if percent < 99.95 { return "≈" + String(format: "%.1f%%", percent) }
        return "≈" + String(format: "%.0f%%", percent)
    }

    /// `≈512`, `≈2k` (thousands to the nearest): an estimated rank (an upper bound) in four cells.
    static func estimatedCount(_ value: Int) -> String {
        value < 1000 ? "≈\(value)" : "≈\((value + 500) / 1000)k"
    }

    /// A group's error: ``percent(_:)``, or ``estimatedPercent(_:)`` when some of its errors come
    /// from estimates (``Planning/PlanFigures/estimatedErrorCount``).
    static func errorPercent(_ figures: PlanFigures) -> String {
        figures.estimatedErrorCount > 0 ? estimatedPercent(figures.relativeError) : percent(figures.relativeError)
    }
}
