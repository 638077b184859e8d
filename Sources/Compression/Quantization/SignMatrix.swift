import LinearAlgebra
import SafeTensors

/// A matrix quantized to one bit per entry: each entry reads back as `±s`, one F16 scale `s` per
/// row. The residual stage of a 3-bit ``E8PBackbone`` (E8P + signs). Chosen by measurement (numpy,
/// 64×512 Gaussian rows, E8P then a 1-bit stage on its residual): signs at the mean |r| leave 0.0327
/// of the energy, a 1-bit E8 codebook like QuIP#'s (the origin, the 240 roots and 15 points ±2eᵢ) at
/// its best scale 0.0297, a 3-bit scalar Lloyd–Max grid 0.0345 and round-to-nearest groups of 128
/// 0.046. Signs give up 10% of the noise to the E8 book for an exact nearest word that costs
/// nothing to find (the lattice book would add half of E8P's search to every LDLQ block).
///
/// Stored as `p.e8p_residual` (U8 [rows, columns/8]: bit j of byte b of row i is set when entry
/// 8b + j is negative) and `p.e8p_residual_scales` (F16 [rows]); see docs/compression.md,
/// "E8P backbone layout".
struct SignMatrix: Sendable, Equatable {
    /// Rows.
    let rows: Int
    /// Columns (a multiple of 8).
    let columns: Int
    /// `rows × columns/8` bytes, row-major: bit j set when entry 8b + j of the run is negative.
    let signs: [UInt8]
    /// F16 bits of each row's scale.
    let scales: [UInt16]

    /// A matrix from stored sign bytes and F16 row scales, as read from a file.
    init(rows: Int, columns: Int, signs: [UInt8], scales: [UInt16]) {
        precondition(columns % 8 == 0 && signs.count == rows * columns / 8 && scales.count == rows,
                     "\(signs.count) sign bytes and \(scales.count) scales do not fit a \(rows)×\(columns) sign matrix")
        self.rows = rows
        self.columns = columns
        self.signs = signs
        self.scales = scales
    }

    /// Quantizes `matrix` (columns a multiple of 8) to `s·sign(x)` with `s` the row's mean |x|
    /// (``rowScales(of:)``), the least-squares scale for its signs.
    init(quantizing matrix: Matrix) {
        let scales = Self.rowScales(of: matrix)
        let runs = matrix.columns / 8
        var signs = [UInt8](repeating: 0, count: matrix.rows * runs)
        for row in 0..<matrix.rows {
            for run in 0..<runs {
                let start = row * matrix.columns + run * 8
                signs[row * runs + run] = Self.nearest(matrix.elements[start..<(start + 8)])
            }
        }
        self.init(rows: matrix.rows, columns: matrix.columns, signs: signs, scales: scales)
    }

    /// The F16 bits of each row's scale, the mean |x| of the row: the one rule for the sign stage's
    /// scales (greedy and, fixed before feedback, LDLQ).
    static func rowScales(of matrix: Matrix) -> [UInt16] {
        let columns = matrix.columns
        return (0..<matrix.rows).map { row in
            let slice = matrix.elements[(row * columns)..<((row + 1) * columns)]
            return HalfPrecision.f16Bits(from: Float(slice.reduce(0) { $0 + abs($1) } / Double(max(columns, 1))))
        }
    }

    /// The sign byte nearest to `x` (8 entries) at any positive scale: bit j set when `x[j] < 0`.
    static func nearest(_ x: ArraySlice<Double>) -> UInt8 {
        var byte: UInt8 = 0
        for (j, value) in x.enumerated() where value < 0 { byte |= 1 << UInt8(j) }
        return byte
    }

    /// Entry `j` of the sign word `byte`: −1 when bit j is set, else +1.
    static func sign(_ byte: UInt8, _ j: Int) -> Double { byte >> UInt8(j) & 1 == 1 ? -1 : 1 }

    /// What a reader reconstructs: `±s` per entry.
    func dequantized() -> Matrix {
        let runs = columns / 8
        var values = [Double](repeating: 0, count: rows * columns)
        for row in 0..<rows {
            let scale = Double(HalfPrecision.float(fromF16: scales[row]))
            for run in 0..<runs {
                let byte = signs[row * runs + run]
                for j in 0..<8 { values[row * columns + run * 8 + j] = scale * Self.sign(byte, j) }
            }
        }
        return try! Matrix(rows: rows, columns: columns, elements: values)  // count is rows·columns
    }

    /// Rows `range` as ``dequantized()`` gives them (`±s`, exact in Float), added to the
    /// `range.count × columns` Floats at `output`: the residual stage of ``E8PBackbone/decodeRows(_:into:)``.
    func addRows(_ range: Range<Int>, to output: UnsafeMutablePointer<Float>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows \(range) outside 0..<\(rows)")
        let runs = columns / 8
        for (line, row) in range.enumerated() {
            let scale = HalfPrecision.float(fromF16: scales[row])
            for run in 0..<runs {
                let byte = signs[row * runs + run]
                let place = output + line * columns + run * 8
                for j in 0..<8 { place[j] += byte >> UInt8(j) & 1 == 1 ? -scale : scale }
            }
        }
    }

    /// Bytes as stored: one per 8 entries and 2 per row scale.
    var byteCount: Int { signs.count + 2 * scales.count }
}
