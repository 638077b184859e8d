import Foundation
import LinearAlgebra
import Planning
import PythonOracle
import XCTest

/// The shared size texts (``ByteCountFormatting``, used by the CLI tables and the explorer) and
/// their fixed-point digits (``FixedDecimalText``) against Python's own arithmetic: `n / 1024**k`
/// on integers and `"%.Nf"` formatting, with the unit rule written out again in Python.
final class ByteCountFormattingTests: XCTestCase {
    /// Byte counts on and around every unit boundary (1023, 1024, 1048575 …), on rounding ties
    /// (1.125 KiB, 10.25 KiB, 100.5 KiB), where an amount rounds up to 1024 of its unit
    /// (1,048,064 = 1023.5 KiB; 1,048,571 = 1023.995… KiB), at the compact form's digit bands
    /// (10 and 100 of a unit), and typical checkpoint sizes.
    static let counts: [Int] = {
        var counts = [0, 1, 512, 999, 1000, 1023, 1024, 1025, 1152, 1408, 1535, 1536, 10239, 10240, 10496,
                      102_399, 102_400, 102_912, 1_047_552, 1_048_063, 1_048_064, 1_048_570, 1_048_571,
                      1_048_575, 1_048_576, 5_000_000_000, 8_000_000_000, 13_476_839_424, 7 * (1 << 30) + (1 << 29)]
        for k in 1...5 {
            let unit = 1 << (10 * k)
            counts += [unit - 1, unit, unit + 1, 10 * unit - 1, 10 * unit, 100 * unit - 1, 1000 * unit,
                       1023 * unit + unit / 2, 1024 * unit - 1]
        }
        counts.append(Int.max)
        return counts
    }()

    /// For every count: `[text, compact, described]` as Python prints them.
    private static let sizesOracle = """
    import json, sys
    UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
    def first_unit(n, render):
        # The first unit (from KiB) whose amount, as printed, is below 1024; PiB at most.
        for unit in range(1, 6):
            text = render(n / 1024 ** unit)
            if float(text) < 1024 or unit == 5:
                return text, UNITS[unit]
    def text(n):
        if n < 1024:
            return f"{n} B"
        amount, unit = first_unit(n, lambda x: "%.2f" % x)
        return amount + " " + unit
    def three_digits(x):
        digits = 2 if x < 10 else 1 if x < 100 else 0
        s = "%.*f" % (digits, x)
        return s.rstrip("0").rstrip(".") if "." in s else s
    def compact(n):
        if n < 1024:
            return f"{n}B"
        amount, unit = first_unit(n, three_digits)
        return amount + unit
    counts = json.loads(sys.argv[1])
    def described(n):
        return f"{n} bytes" if n < 1024 else f"{n} bytes ({text(n)})"
    print(json.dumps([[text(n), compact(n), described(n)] for n in counts]))
    """

    func testTextCompactAndDescribedMatchPython() throws {
        let counts = ByteCountFormattingTests.counts
        let output = try PythonOracle.run(ByteCountFormattingTests.sizesOracle, [jsonArray(counts.map(String.init))])
        let expected = try JSONDecoder().decode([[String]].self, from: Data(output.utf8))
        XCTAssertEqual(expected.count, counts.count)
        for (n, want) in zip(counts, expected) {
            XCTAssertEqual(ByteCountFormatting.text(n), want[0], "text(\(n))")
            XCTAssertEqual(ByteCountFormatting.compact(n), want[1], "compact(\(n))")
            XCTAssertEqual(ByteCountFormatting.described(n), want[2], "described(\(n))")
            XCTAssertLessThanOrEqual(ByteCountFormatting.compact(n).count, n < 1 << 60 ? 7 : 8, "compact(\(n)) fits a 7-cell column")
        }
        // What docs/planning.md and the task promise, spelled out: the same checkpoint in both forms.
        XCTAssertEqual(ByteCountFormatting.text(1_048_575), "1.00 MiB", "never 1024.00 KiB")
        XCTAssertEqual(ByteCountFormatting.compact(1_048_064), "1MiB", "never 1024KiB")
    }

    func testAxisUnitMatchesPython() throws {
        let values: [Double] = [0, 1, 1023, 1023.9, 1024, 4e6, 1_048_575, 1_048_576, 2e9, 0x1p40, 0x1p50, 0x1p60]
        let oracle = """
        import json, sys
        out = []
        for x in json.loads(sys.argv[1]):
            k = 0
            while k < 5 and x / 1024 ** k >= 1024:
                k += 1
            out.append([float(1024 ** k), ["B", "KiB", "MiB", "GiB", "TiB", "PiB"][k]])
        print(json.dumps(out))
        """
        let output = try PythonOracle.run(oracle, [jsonArray(values.map { "\($0)" })])
        let expected = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[Any]]
        XCTAssertEqual(expected?.count, values.count)
        for (value, want) in zip(values, expected ?? []) {
            let (scale, name) = ByteCountFormatting.axisUnit(for: value)
            XCTAssertEqual(scale, (want[0] as? NSNumber)?.doubleValue, "scale for \(value)")
            XCTAssertEqual(name, want[1] as? String, "unit for \(value)")
        }
    }

    /// `FixedDecimalText` is printf's `%.0f`, `%.1f`, `%.2f` digit for digit: ties (0.125, 2.5),
    /// doubles just off a tie (0.05, 1.005), the integer path's edges (2⁻¹⁰, 2⁵³) and the
    /// fallback beyond them, and seeded random amounts of every magnitude.
    func testFixedDecimalTextMatchesPythonPercentF() throws {
        var values: [Double] = [0, -0.0, 0.125, 0.375, 2.5, 3.5, 0.05, 1.005, 1023.995, 1023.5, 0x1p-10, 0x1p-11,
                                0x1p52 + 1, 0x1p53 - 1, 0x1p53, 1e300, -1.25, 9.995, 99.95]
        var generator = SeededGenerator(seed: 0x5EED)
        for _ in 0..<300 {
            let exponent = Double(Int(generator.next() % 40)) - 12
            values.append(Double(generator.next() % 1_000_000) / 1_000_000 * pow(2, exponent))
        }
        let oracle = """
        import json, sys
        print(json.dumps([["%.0f" % x, "%.1f" % x, "%.2f" % x] for x in json.loads(sys.argv[1])]))
        """
        // Shortest round-trip decimal texts: Python's float() reads back the very same doubles.
        let output = try PythonOracle.run(oracle, [jsonArray(values.map { "\($0)" })])
        let expected = try JSONDecoder().decode([[String]].self, from: Data(output.utf8))
        XCTAssertEqual(expected.count, values.count)
        for (value, want) in zip(values, expected) {
            let got = (0...2).map { FixedDecimalText.string(value, fractionDigits: $0) }
            XCTAssertEqual(got, want, "\(value)")
        }
    }

    private func jsonArray(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }
}
