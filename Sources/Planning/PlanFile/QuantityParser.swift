/// Reads the counts people write for targets: `13.2B` parameters, `8GB` or `7.5GiB` bytes.
/// Shared by plan files, `rankscope plan --target-*` and the explorer's budget panel.
///
/// - Parameters: a decimal number with an optional suffix K (10³), M (10⁶), B or G (10⁹), T (10¹²).
/// - Bytes: a decimal number with an optional unit: decimal SI K/KB (10³), M/MB (10⁶), G/GB (10⁹),
///   T/TB (10¹²), or binary KiB (2¹⁰), MiB (2²⁰), GiB (2³⁰), TiB (2⁴⁰); `B` or nothing is bytes.
///
/// Suffixes are case-insensitive and may follow a space; the result is rounded to the nearest whole count.
public enum QuantityParser {
    private static let parameterUnits: [String: Double] = ["": 1, "k": 1e3, "m": 1e6, "b": 1e9, "g": 1e9, "t": 1e12]
    private static let byteUnits: [String: Double] = [
        "": 1, "b": 1, "k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
        "kib": 1024, "mib": 1_048_576, "gib": 1_073_741_824, "tib": 1_099_511_627_776,
    ]

    /// `13.2B` → 13 200 000 000; nil when the text is not a count.
    public static func parameterCount(_ text: String) -> Int? { parse(text, units: parameterUnits) }

    /// A parameter target as people state it: a count (`13.2B`, at least 1 — `0.9` is refused, a
    /// share is written `90%`) or a ``ParameterShare`` (`90%` of the model, `90%lin` of its linear
    /// matrices); nil for anything else.
    public static func parameterTarget(_ text: String) -> BudgetTarget? {
        if let share = ParameterShare.parse(text) { return .parameterShare(share) }
        let trimmed = text.trimmingSpaces
        guard let count = parameterCount(trimmed), count > 0 else { return nil }
        if trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let value = Double(trimmed), value < 1 { return nil }
        return .parameters(count)
    }

    /// `8GB` → 8 000 000 000, `1KiB` → 1024; nil when the text is not a size.
    public static func byteCount(_ text: String) -> Int? { parse(text, units: byteUnits) }

    private static func parse(_ text: String, units: [String: Double]) -> Int? {
        let trimmed = text.trimmingSpaces
        let numberPart = trimmed.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        let unit = trimmed.dropFirst(numberPart.count).trimmingSpaces.lowercased()
        guard !numberPart.isEmpty, numberPart.filter({ $0 == "." }).count <= 1, numberPart != ".",
              let value = Double(numberPart), let multiplier = units[unit] else { return nil }
        let count = (value * multiplier).rounded()
        guard count.isFinite, count < 9.2e18 else { return nil }
        return Int(count)
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
