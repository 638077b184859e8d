import LinearAlgebra
import XCTest

/// F16 against Swift's own `Float16`; BF16 against the IEEE definition computed with Double math.
final class HalfPrecisionTests: XCTestCase {
    func testAllF16PatternsMatchSwiftFloat16() {
        var mismatches = 0
        for bits in 0...UInt16.max {
            let ours = HalfPrecision.float(fromF16: bits)
            let swift = Float(Float16(bitPattern: bits))
            // Bit-exact, NaNs included: same sign, quiet bit set, payload kept.
            if ours.bitPattern != swift.bitPattern { mismatches += 1 }
        }
        XCTAssertEqual(mismatches, 0)
        XCTAssertEqual(HalfPrecision.float(fromF16: 0x0001), 0x1p-24)      // smallest subnormal
        XCTAssertEqual(HalfPrecision.float(fromF16: 0x7BFF), 65504)        // largest finite
        XCTAssertEqual(HalfPrecision.float(fromF16: 0xFC00), -.infinity)
        XCTAssertEqual(HalfPrecision.float(fromF16: 0x8000).bitPattern, (-0.0 as Float).bitPattern)
    }

    func testF16RoundTripsEveryFiniteValue() {
        var failures = Failures()
        for bits in 0...UInt16.max where (bits & 0x7C00) != 0x7C00 || (bits & 0x3FF) == 0 {
            let value = Float(Float16(bitPattern: bits))
            failures.expect(HalfPrecision.f16Bits(from: value) == bits, "pattern \(bits)")
        }
        failures.report()
    }

    /// Exact midpoints between neighbouring F16 values (and their float neighbours) round to
    /// nearest-even exactly like Swift's `Float16(Float)`.
    func testF16RoundingTiesMatchSwiftFloat16() {
        var failures = Failures()
        for bits in UInt16(0)..<0x7C00 {
            let low = Float(Float16(bitPattern: bits))
            let high = bits == 0x7BFF ? Float(65536) : Float(Float16(bitPattern: bits + 1))
            let middle = (low + high) / 2 // exact in binary32
            for sign: Float in [1, -1] {
                for probe in [middle, middle.nextDown, middle.nextUp] {
                    let value = sign * probe
                    failures.expect(HalfPrecision.f16Bits(from: value) == Float16(value).bitPattern, "value \(value)")
                }
            }
        }
        failures.report()
        XCTAssertEqual(HalfPrecision.f16Bits(from: 65520), 0x7C00)          // tie above max → inf
        XCTAssertEqual(HalfPrecision.f16Bits(from: 65519.996), 0x7BFF)
        XCTAssertEqual(HalfPrecision.f16Bits(from: 0x1p-25), 0x0000)         // tie to even zero
        XCTAssertEqual(HalfPrecision.f16Bits(from: 0x1.8p-24), 0x0002)       // tie to even 2
        XCTAssertEqual(HalfPrecision.f16Bits(from: -1e30), 0xFC00)
    }

    func testF16FromRandomFloatsMatchesSwiftFloat16() {
        var generator = SeededGenerator(seed: 1234)
        var failures = Failures()
        for _ in 0..<2_000_000 {
            let value = Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()))
            let ours = HalfPrecision.f16Bits(from: value)
            if value.isNaN {
                let ok = Float(Float16(bitPattern: ours)).isNaN && (ours & 0x8000) == UInt16(value.bitPattern >> 16) & 0x8000
                failures.expect(ok, "NaN \(value.bitPattern) lost")
            } else {
                failures.expect(ours == Float16(value).bitPattern, "value \(value) bits \(value.bitPattern) → \(ours)")
            }
        }
        failures.report()
    }

    /// Every BF16 pattern against sign · 2^(e−127) · (1 + f/128), computed in Double.
    func testAllBF16PatternsMatchTheDefinition() {
        var failures = Failures()
        for bits in 0...UInt16.max {
            let value = HalfPrecision.float(fromBF16: bits)
            let negative = bits & 0x8000 != 0
            let exponent = Int((bits >> 7) & 0xFF)
            let fraction = Double(bits & 0x7F)
            if exponent == 0xFF {
                failures.expect(fraction == 0 ? value == (negative ? -.infinity : .infinity) : value.isNaN,
                                "pattern \(bits)")
                continue
            }
            let magnitude = exponent == 0
                ? fraction / 128 * pow(2.0, -126)
                : (1 + fraction / 128) * pow(2.0, Double(exponent - 127))
            let expected = negative ? -magnitude : magnitude
            failures.expect(Double(value) == expected && (value.sign == .minus) == negative, "pattern \(bits)")
        }
        failures.report()
    }

    /// Rounding to BF16 chooses the nearer neighbour, the even one on ties, checked in Double
    /// arithmetic on random floats, exact ties and their neighbours.
    func testBF16RoundingToNearestEven() {
        func expected(_ value: Float) -> UInt16 {
            let truncated = UInt16(truncatingIfNeeded: value.bitPattern >> 16)
            let lower = Double(HalfPrecision.float(fromBF16: truncated))
            let upperBits = truncated &+ 1
            // The neighbour away from zero; beyond the largest finite it is infinity, whose
            // rounding boundary is 2^128 (an exponent step further), so compare against 2^128.
            let upper = (upperBits & 0x7FFF) == 0x7F80
                ? (value < 0 ? -0x1p128 : 0x1p128)
                : Double(HalfPrecision.float(fromBF16: upperBits))
            let x = Double(value)
            let dLower = abs(x - lower), dUpper = abs(upper - x)
            if dLower < dUpper { return truncated }
            if dUpper < dLower { return upperBits }
            return truncated & 1 == 0 ? truncated : upperBits
        }
        var generator = SeededGenerator(seed: 77)
        var failures = Failures()
        for _ in 0..<2_000_000 {
            let value = Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()))
            if value.isNaN || value.isInfinite { continue }
            failures.expect(HalfPrecision.bf16Bits(from: value) == expected(value), "value bits \(value.bitPattern)")
        }
        for high in UInt32(0)..<0x7F80 {
            for low: UInt32 in [0x7FFF, 0x8000, 0x8001, 0x0000] {
                for sign: UInt32 in [0, 0x8000_0000] {
                    let value = Float(bitPattern: sign | (high << 16) | low)
                    failures.expect(HalfPrecision.bf16Bits(from: value) == expected(value), "value bits \(value.bitPattern)")
                }
            }
        }
        failures.report()
        XCTAssertEqual(HalfPrecision.bf16Bits(from: 1.0), 0x3F80)
        XCTAssertEqual(HalfPrecision.bf16Bits(from: Float(bitPattern: 0x3F80_8000)), 0x3F80) // tie → even
        XCTAssertEqual(HalfPrecision.bf16Bits(from: Float(bitPattern: 0x3F81_8000)), 0x3F82) // tie → even
        XCTAssertEqual(HalfPrecision.bf16Bits(from: .greatestFiniteMagnitude), 0x7F80)       // overflow → inf
        XCTAssertEqual(HalfPrecision.bf16Bits(from: -.infinity), 0xFF80)
        XCTAssertEqual(HalfPrecision.bf16Bits(from: -0.0), 0x8000)
        XCTAssertEqual(HalfPrecision.bf16Bits(from: Float(bitPattern: 0x0000_8001)), 0x0001) // subnormal rounds up
    }

    func testBF16NaNStaysNaN() {
        for pattern: UInt32 in [0x7FC0_0000, 0x7F80_0001, 0xFF80_0001, 0x7FBF_FFFF, 0xFFFF_FFFF] {
            let bits = HalfPrecision.bf16Bits(from: Float(bitPattern: pattern))
            XCTAssertTrue(HalfPrecision.float(fromBF16: bits).isNaN, "pattern \(pattern)")
            XCTAssertEqual(bits & 0x8000, UInt16(pattern >> 16) & 0x8000)
        }
        XCTAssertTrue(HalfPrecision.float(fromBF16: 0x7FC1).isNaN)
        XCTAssertTrue(HalfPrecision.float(fromF16: 0x7C01).isNaN)
        XCTAssertTrue(Float(Float16(bitPattern: HalfPrecision.f16Bits(from: Float(bitPattern: 0x7F80_0001)))).isNaN)
    }

    func testByteWidths() {
        XCTAssertEqual(ScalarFormat.allCases.map(\.byteWidth), [8, 4, 2, 2])
    }
}

/// Collects failures of a large loop cheaply and reports the count and the first few once.
struct Failures {
    private(set) var count = 0
    private(set) var examples: [String] = []

    mutating func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
        if condition { return }
        count += 1
        if examples.count < 5 { examples.append(message()) }
    }

    func report(file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(count, 0, "failures, first: \(examples)", file: file, line: line)
    }
}
