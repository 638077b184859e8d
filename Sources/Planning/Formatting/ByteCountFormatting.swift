/// Byte counts as every figure a user reads shows them: binary IEC units, 1 KiB = 1024 B
/// (B, KiB, MiB, GiB, TiB, PiB). One implementation for the CLI tables (``text(_:)``,
/// `576.00 MiB`), the explorer's narrow columns (``compact(_:)``, `576MiB`) and chart axes
/// (``axisUnit(for:)``), so a checkpoint reads the same size everywhere.
///
/// The unit is the largest that keeps the amount at least 1, except that an amount which would
/// print as 1024 moves up one unit: 1,048,575 bytes is `1.00 MiB` (not `1024.00 KiB`) and
/// 1,048,064 bytes is `1MiB` compact (not `1024KiB`). Counts below 1024 print as whole bytes.
///
/// Only output is binary: sizes people type (`--target-bytes 8GB`, `7.5GiB`) are read by
/// ``QuantityParser``, where `GB` is 10⁹ bytes and `GiB` 2³⁰.
public enum ByteCountFormatting {
    /// The unit names, 1024 times apart: `B`, `KiB`, `MiB`, `GiB`, `TiB`, `PiB`.
    public static let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]

    /// Two fraction digits and a space before the unit, for the CLI tables: `512 B`, `1.12 KiB`,
    /// `576.00 MiB`, `12.55 GiB` (`%.2f` of the amount, ties to even).
    public static func text(_ bytes: Int) -> String {
        guard bytes >= 1024 else { return "\(bytes) B" }
        let (amount, unit) = scaled(bytes) { FixedDecimalText.string($0, fractionDigits: 2) }
        return amount + " " + units[unit]
    }

    /// Three significant digits and no space, for narrow columns: `512B`, `1.12KiB`, `2.5KiB`,
    /// `10.2KiB`, `576MiB`, `1023KiB` (two, one or no fraction digits as the amount is below 10,
    /// below 100 or not, trailing zeros dropped as `%g` does; at most 7 characters below 1 EiB).
    public static func compact(_ bytes: Int) -> String {
        guard bytes >= 1024 else { return "\(bytes)B" }
        let (amount, unit) = scaled(bytes, threeSignificantDigits)
        return amount + units[unit]
    }

    /// The exact count and, from 1 KiB, its ``text(_:)`` for sentences that must not hide a
    /// digit: `512 bytes`, `8000000000 bytes (7.45 GiB)`.
    public static func described(_ bytes: Int) -> String {
        bytes < 1024 ? "\(bytes) bytes" : "\(bytes) bytes (\(text(bytes)))"
    }

    /// The power of 1024 and its unit name for an axis running up to `bytes`: the largest unit
    /// that keeps `bytes` at least 1 (`(1_048_576, "MiB")` for 4,000,000), bytes below 1024.
    public static func axisUnit(for bytes: Double) -> (scale: Double, name: String) {
        var scale = 1.0, unit = 0
        while unit < units.count - 1 && bytes / scale >= 1024 {
            scale *= 1024
            unit += 1
        }
        return (scale, units[unit])
    }

    /// The printed amount (by `render`) and the index of its unit, for `bytes` ≥ 1024.
    private static func scaled(_ bytes: Int, _ render: (Double) -> String) -> (amount: String, unit: Int) {
        var amount = Double(bytes), unit = 0  // dividing by 1024 is exact: amount stays bytes / 1024ᵘ
        while unit < units.count - 1 && amount >= 1024 {
            amount /= 1024
            unit += 1
        }
        var text = render(amount)
        // Below 1024 the amount may still round up to 1024: show it as 1 of the next unit. (Only
        // amounts of 1023 and more can; the others skip reading the text back.)
        if unit < units.count - 1, amount >= 1023, let printed = Double(text), printed >= 1024 {
            text = render(amount / 1024)
            unit += 1
        }
        return (text, unit)
    }

    /// `amount` (≥ 0.99) with 2, 1 or 0 fraction digits as it is below 10, below 100 or not,
    /// trailing fraction zeros and a bare point removed: `1.00` → `1`, `2.50` → `2.5`.
    private static func threeSignificantDigits(_ amount: Double) -> String {
        let digits = amount < 10 ? 2 : amount < 100 ? 1 : 0
        var text = FixedDecimalText.string(amount, fractionDigits: digits)
        guard digits > 0 else { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
