import Foundation

/// Formatting shared by the sections: aligned rows, ratios and the PASS/MISS verdict of a target.
enum BenchReport {
    /// `  label…  text` with labels padded to one width.
    static func row(_ label: String, _ text: String) -> String {
        "  " + label + String(repeating: " ", count: max(1, 46 - label.count)) + text
    }

    /// `3.2×` (no decimals from 100 on).
    static func ratio(_ value: Double) -> String {
        (value >= 100 ? String(format: "%.0f", value) : String(format: "%.2f", value)) + "×"
    }

    /// `  target: <what> — PASS` or `— MISS`.
    static func verdict(_ passed: Bool, _ target: String) -> String {
        "  target: \(target) — \(passed ? "PASS" : "MISS")"
    }

    /// `1.2e-07` for errors and tolerances.
    static func scientific(_ value: Double) -> String { String(format: "%.1e", value) }
}

/// A section could not run: a missing tool, a failed anchor, an unreadable file; one sentence.
struct BenchError: Error, CustomStringConvertible {
    let description: String
}
