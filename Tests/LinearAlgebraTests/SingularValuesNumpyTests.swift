import LinearAlgebra
import XCTest

/// `SingularValues` against `numpy.linalg.svd` on exactly the same bytes.
final class SingularValuesNumpyTests: XCTestCase {
    /// A named matrix to encode in some format.
    struct Fixture {
        var name: String
        var matrix: Matrix
    }

    static func spectrum(_ count: Int, _ kind: Int) -> [Double] {
        (0..<count).map { k in
            let x = Double(k)
            switch kind {
            case 0: return 10 * exp(-x / 8)               // exponential decay
            case 1: return 3 * pow(x + 1, -1.5)            // power law
            case 2: return 5 * pow(10, -0.3 * x)           // steep: spans many decades
            default: return 1 + 0.01 * x.truncatingRemainder(dividingBy: 7) // nearly flat
            }
        }
    }

    /// Matrices with varied shapes and decays; every shape class the brief lists.
    static func fixtures() throws -> [Fixture] {
        var result: [Fixture] = []
        let shapes = [(64, 300), (300, 64), (128, 128), (200, 1100), (1100, 200), (37, 41)]
        for (index, (m, n)) in shapes.enumerated() {
            let kind = index % 4
            let matrix = try TestMatrices.withSpectrum(rows: m, columns: n, sigma: spectrum(min(m, n), kind),
                                                       noise: kind == 3 ? 0 : 1e-3, seed: UInt64(100 + index))
            result.append(Fixture(name: "shape\(m)x\(n)_decay\(kind)", matrix: matrix))
        }
        var generator = SeededGenerator(seed: 7)
        result.append(Fixture(name: "gaussian90x120", matrix: Matrix.gaussian(rows: 90, columns: 120, using: &generator)))
        result.append(Fixture(name: "row1x50", matrix: Matrix.gaussian(rows: 1, columns: 50, using: &generator)))
        result.append(Fixture(name: "column50x1", matrix: Matrix.gaussian(rows: 50, columns: 1, using: &generator)))
        result.append(Fixture(name: "single1x1", matrix: try Matrix(rows: 1, columns: 1, elements: [-2.5])))
        let rank1 = try Matrix.gaussian(rows: 40, columns: 1, using: &generator)
            .multiplied(by: Matrix.gaussian(rows: 1, columns: 70, using: &generator))
        result.append(Fixture(name: "rank1_40x70", matrix: rank1))
        result.append(Fixture(name: "rank1_70x40", matrix: rank1.transposed()))
        result.append(Fixture(name: "zero30x20", matrix: Matrix(rows: 30, columns: 20)))
        result.append(Fixture(name: "zero20x30", matrix: Matrix(rows: 20, columns: 30)))
        return result
    }

    /// Compares `compute` (default and tiny panels, aligned and unaligned) and `computeExactly`
    /// with numpy, to 1e-6·σ_max (Gram) and 1e-12·σ_max (dgesdd).
    func check(format: ScalarFormat, fixtures: [Fixture], padding: Int) throws {
        let encoded = fixtures.map { TestMatrices.bytes(of: $0.matrix, format: format, padding: padding) }
        let cases = zip(fixtures, encoded).map { fixture, bytes in
            NumpyOracle.Case(name: fixture.name, rows: fixture.matrix.rows, columns: fixture.matrix.columns,
                             format: TestMatrices.name(of: format), bytes: Array(bytes.dropFirst(padding)))
        }
        let expected = try NumpyOracle.singularValues(of: cases)
        var worst = 0.0
        for (fixture, bytes) in zip(fixtures, encoded) {
            let m = fixture.matrix.rows, n = fixture.matrix.columns
            guard let reference = expected[fixture.name] else { return XCTFail("numpy gave nothing for \(fixture.name)") }
            XCTAssertEqual(reference.count, min(m, n), fixture.name)
            let sigmaMax = reference.first ?? 0
            try TestMatrices.withSource(bytes, padding: padding, rows: m, columns: n, format: format) { source in
                let variants: [(String, [Double], Double)] = [
                    ("compute", try SingularValues.compute(source), 1e-6),
                    ("compute(panelWidth: 7)", try SingularValues.compute(source, panelWidth: 7), 1e-6),
                    ("computeExactly", try SingularValues.computeExactly(source), 1e-12),
                ]
                for (label, values, tolerance) in variants {
                    XCTAssertEqual(values.count, reference.count, "\(label) \(fixture.name) \(format)")
                    guard values.count == reference.count else { continue }
                    for i in values.indices {
                        let error = abs(values[i] - reference[i])
                        if label != "computeExactly", sigmaMax > 0 { worst = max(worst, error / sigmaMax) }
                        XCTAssertLessThanOrEqual(error, tolerance * sigmaMax,
                            "\(label) \(fixture.name) \(format): σ[\(i)] = \(values[i]), numpy \(reference[i])")
                    }
                    XCTAssertEqual(values, values.sorted(by: >), "\(label) \(fixture.name) not descending")
                    XCTAssertTrue(values.allSatisfy { $0 >= 0 }, "\(label) \(fixture.name) negative value")
                }
            }
        }
        print("[numpy] \(format): worst |σ − σ_numpy| / σ_max of the Gram method = \(worst)")
    }

    func testF64AgainstNumpy() throws {
        try check(format: .f64, fixtures: Self.fixtures(), padding: 3)
    }

    func testF32AgainstNumpy() throws {
        try check(format: .f32, fixtures: Self.fixtures(), padding: 1)
    }

    func testF32AlignedAgainstNumpy() throws {
        try check(format: .f32, fixtures: Self.fixtures(), padding: 0)
    }

    func testF16AgainstNumpy() throws {
        try check(format: .f16, fixtures: Self.fixtures(), padding: 1)
    }

    func testBF16AgainstNumpy() throws {
        try check(format: .bf16, fixtures: Self.fixtures(), padding: 0)
    }

    /// Magnitudes whose squares overflow or underflow a Double still come out right.
    func testExtremeF64MagnitudesAgainstNumpy() throws {
        var generator = SeededGenerator(seed: 99)
        let base = Matrix.gaussian(rows: 30, columns: 45, using: &generator)
        func scaled(_ factor: Double) throws -> Matrix {
            try Matrix(rows: base.rows, columns: base.columns, elements: base.elements.map { $0 * factor })
        }
        try check(format: .f64, fixtures: [
            Fixture(name: "huge", matrix: try scaled(1e250)),
            Fixture(name: "tiny", matrix: try scaled(1e-250)),
            Fixture(name: "subnormal", matrix: try scaled(0x1p-1030)),
        ], padding: 0)
    }

    /// Half-precision edge cases: F16 subnormals (|x| < 2⁻¹⁴), values near the F16 maximum
    /// 65504 and near the BF16 maximum ≈ 3.39e38 (whose squares overflow Float but not the
    /// Double accumulation), and a very wide 1×100000 row.
    func testHalfPrecisionRangeEdgesAgainstNumpy() throws {
        var generator = SeededGenerator(seed: 123)
        let base = Matrix.gaussian(rows: 24, columns: 40, using: &generator)
        let largest = base.elements.map(abs).max() ?? 1
        func scaled(toMaximum maximum: Double) throws -> Matrix {
            try Matrix(rows: base.rows, columns: base.columns, elements: base.elements.map { $0 / largest * maximum })
        }
        try check(format: .f16, fixtures: [
            Fixture(name: "f16_subnormal", matrix: try scaled(toMaximum: 0x1p-15)),
            Fixture(name: "f16_near_max", matrix: try scaled(toMaximum: 65000)),
        ], padding: 0)
        try check(format: .bf16, fixtures: [
            Fixture(name: "bf16_near_max", matrix: try scaled(toMaximum: 3.3e38)),
            Fixture(name: "bf16_tiny", matrix: try scaled(toMaximum: 1e-38)),
        ], padding: 0)
        try check(format: .f32, fixtures: [
            Fixture(name: "wide1x100000", matrix: Matrix.gaussian(rows: 1, columns: 100_000, using: &generator)),
            Fixture(name: "tall100000x1", matrix: Matrix.gaussian(rows: 100_000, columns: 1, using: &generator)),
        ], padding: 0)
    }

    /// 0-sized matrices need no oracle: there are no singular values.
    func testEmptyMatricesGiveNoValues() throws {
        for (m, n) in [(0, 0), (0, 5), (5, 0)] {
            try TestMatrices.withSource([], rows: m, columns: n, format: .f32) { source in
                XCTAssertEqual(try SingularValues.compute(source), [])
                XCTAssertEqual(try SingularValues.computeExactly(source), [])
            }
        }
    }

    /// A matrix with a spectrum known by construction (math, not numpy): orthogonal factors
    /// times a chosen diagonal.
    func testKnownSpectrumByConstruction() throws {
        let sigma = [9.0, 4, 1, 0.5, 0.25, 0.125, 0, 0]
        for (m, n) in [(8, 30), (30, 8)] {
            let matrix = try TestMatrices.withSpectrum(rows: m, columns: n, sigma: sigma, seed: 5)
            let bytes = TestMatrices.bytes(of: matrix, format: .f64)
            let values = try TestMatrices.withSource(bytes, rows: m, columns: n, format: .f64) {
                try SingularValues.compute($0)
            }
            for (value, truth) in zip(values, sigma) { XCTAssertEqual(value, truth, accuracy: 1e-6 * 9) }
        }
    }
}
