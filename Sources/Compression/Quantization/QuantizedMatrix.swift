import LinearAlgebra

/// A matrix quantized group-wise, asymmetric, round-to-nearest, in the layout of
/// ``QuantizedLayout``: groups of `groupSize` consecutive elements along each row (the last group
/// of a row may be shorter), `bits`-bit codes, one scale (F16 or BF16 for the whole matrix:
/// ``ScaleFormat``) and one F16 zero point per group.
///
/// Element `x` of a group with scale `s` and zero point `z` (both as stored) is stored as
/// `q = clamp(round(x/s + z), 0, 2^b − 1)` and read back as `x̂ = (q − z)·s`, evaluated in double.
/// The scale is about `(max − min)/(2^b − 1)` and the zero point about `−min/s`, both rounded to
/// their stored types before the codes are computed (so the codes compensate for that rounding) and chosen so the
/// rounding never clamps a code (see ``scaleAndZero(low:high:levels:format:)``). A constant group is
/// reproduced exactly when its value is an F16 number and the scales are F16. One group's rule is ``QuantizationGroup``, shared with ``HessianQuantizer``.
public struct QuantizedMatrix: Sendable, Equatable {
    /// Rows of the quantized matrix.
    public let rows: Int
    /// Columns of the quantized matrix.
    public let columns: Int
    /// Bits per code, 2…8.
    public let bits: Int
    /// Elements per group along a row.
    public let groupSize: Int
    /// The codes, row-major, packed by ``BitPacking`` into `⌈rows·columns·bits/8⌉` bytes.
    public let packedCodes: [UInt8]
    /// Bit patterns of the scales in ``scaleFormat``, `rows × groupsPerRow`, row-major.
    public let scales: [UInt16]
    /// The type of ``scales``: F16 unless the scales need BF16's range.
    public let scaleFormat: ScaleFormat
    /// F16 bit patterns of the zero points, `rows × groupsPerRow`, row-major.
    public let zeros: [UInt16]

    /// Groups in each row: ⌈columns / groupSize⌉.
    public var groupsPerRow: Int { (columns + groupSize - 1) / groupSize }

    /// Bytes of codes, scales and zero points together: ⌈rows·columns·bits/8⌉ + 4·rows·groupsPerRow.
    public var byteCount: Int { packedCodes.count + 2 * scales.count + 2 * zeros.count }

    /// Quantizes `matrix` at `bits` ∈ 2…8 with groups of `groupSize` ≥ 1 along each row.
    ///
    /// - Throws: ``CompressionError/unrepresentableScale(_:)`` when a group's scale lies outside
    ///   BF16's normal range (see ``ScaleFormat``), before anything is encoded.
    public init(quantizing matrix: Matrix, bits: Int, groupSize: Int) throws {
        precondition(bits >= 2 && bits <= 8 && groupSize >= 1, "invalid quantization \(bits) bits, groups of \(groupSize)")
        let rows = matrix.rows, columns = matrix.columns
        let groups = (columns + groupSize - 1) / groupSize
        let levels = Double((1 << bits) - 1)
        var codes = [UInt8](repeating: 0, count: rows * columns)
        var scales = [UInt16](repeating: 0, count: rows * groups)
        var zeros = [UInt16](repeating: 0, count: rows * groups)
        let format = try ScaleFormat.choose(for: matrix.elements, rows: rows, columns: columns, groupSize: groupSize, levels: levels)
        try matrix.elements.withUnsafeBufferPointer { x in
            for row in 0..<rows {
                for group in 0..<groups {
                    let start = row * columns + group * groupSize
                    let end = row * columns + min(columns, (group + 1) * groupSize)
                    var low = x[start], high = x[start]
                    for i in start..<end { low = min(low, x[i]); high = max(high, x[i]) }
                    let rule = try QuantizationGroup(low: low, high: high, levels: levels, format: format)
                    scales[row * groups + group] = rule.scaleBits
                    zeros[row * groups + group] = rule.zeroBits
                    for i in start..<end { codes[i] = rule.code(x[i]) }
                }
            }
        }
        self.init(rows: rows, columns: columns, bits: bits, groupSize: groupSize, codes: codes, scales: scales,
                  scaleFormat: format, zeros: zeros)
    }

    /// Wraps codes (one per element, row-major, each at most 2^bits − 1), the bits of the groups'
    /// scales in `scaleFormat` and the F16 bits of their zero points (`rows × groupsPerRow`), as
    /// another quantizer chose them or a reader found them.
    init(rows: Int, columns: Int, bits: Int, groupSize: Int, codes: [UInt8], scales: [UInt16], scaleFormat: ScaleFormat,
         zeros: [UInt16]) {
        let groups = (columns + groupSize - 1) / groupSize
        precondition(codes.count == rows * columns && scales.count == rows * groups && zeros.count == rows * groups,
                     "codes, scales or zero points do not match a \(rows)×\(columns) matrix with groups of \(groupSize)")
        self.rows = rows
        self.columns = columns
        self.bits = bits
        self.groupSize = groupSize
        packedCodes = BitPacking.pack(codes, bits: bits)
        self.scales = scales
        self.scaleFormat = scaleFormat
        self.zeros = zeros
    }

    /// Wraps codes already packed by ``BitPacking`` (`⌈rows·columns·bits/8⌉` bytes, as stored in
    /// `p.qweight`), with scales and zero points as for ``init(rows:columns:bits:groupSize:codes:scales:scaleFormat:zeros:)``.
    init(rows: Int, columns: Int, bits: Int, groupSize: Int, packedCodes: [UInt8], scales: [UInt16], scaleFormat: ScaleFormat,
         zeros: [UInt16]) {
        let groups = (columns + groupSize - 1) / groupSize
        precondition(packedCodes.count == (rows * columns * bits + 7) / 8 && scales.count == rows * groups && zeros.count == rows * groups,
                     "codes, scales or zero points do not match a \(rows)×\(columns) matrix with groups of \(groupSize)")
        self.rows = rows
        self.columns = columns
        self.bits = bits
        self.groupSize = groupSize
        self.packedCodes = packedCodes
        self.scales = scales
        self.scaleFormat = scaleFormat
        self.zeros = zeros
    }

    /// The scale a group spanning `low…high` needs before rounding (nil for a group of zeros,
    /// whose scale 1 every format stores): ``ScaleFormat`` is chosen from these.
    static func idealScale(low: Double, high: Double, levels: Double) -> Double? {
        let largest = max(abs(low), abs(high))
        guard high > low else { return largest > 0 ? largest : nil }
        return max((high - low) / levels, largest / (128 * levels))
    }

    /// The bits of the scale (in `format`) and the F16 bits of the zero point for a group
    /// spanning `low…high`, chosen so that their rounding never pushes a code outside `0…levels`:
    /// - the zero point is stored with a spacing u (twice F16's spacing near it), so the scale is
    ///   `range/(levels − u)`, rounded *up* in `format`, leaving u/2 codes of slack at each end,
    ///   and the zero point `−low/s + u/2` is centred in it;
    /// - a narrow group far from 0 would need a zero point beyond F16's precision: the scale is
    ///   at least `largest/(128·levels)`, which keeps |z| ≤ 128·levels and u ≤ levels/4.
    /// A constant group c gets `s = |c|` (1 for 0) and `z = −c/s` ≈ ∓1 (0), unless |c| is below
    /// the format's smallest subnormal, where s is that subnormal.
    static func scaleAndZero(low: Double, high: Double, levels: Double, format: ScaleFormat) throws -> (UInt16, UInt16) {
        let largest = max(abs(low), abs(high))
        guard high > low else {
            let scale = largest > 0 ? largest : 1
            // Below the smallest subnormal the scale would round to 0 and every code divide by
            // it (NaN, a trap): keep the smallest subnormal instead.
            var scaleBits = format.bits(nearest: scale)
            guard format.value(scaleBits).isFinite else { throw CompressionError.unrepresentableScale(largest) }
            if scaleBits & 0x7FFF == 0 { scaleBits = 0x0001 }
            return (scaleBits, HalfPrecision.f16Bits(from: Float(-low / format.value(scaleBits))))
        }
        let widest = max((high - low) / levels, largest / (128 * levels))
        let spacing = 2 * f16Spacing(at: abs(low) / widest + levels)
        let scale = max((high - low) / (levels - spacing), largest / (128 * levels))
        let scaleBits = format.bits(roundingUp: scale)
        let storedScale = format.value(scaleBits)
        guard storedScale.isFinite else { throw CompressionError.unrepresentableScale(scale) }
        let zeroBits = HalfPrecision.f16Bits(from: Float(-low / storedScale + spacing / 2))
        return (scaleBits, zeroBits)
    }

    /// The distance between consecutive F16 numbers around `value` (≥ 0).
    static func f16Spacing(at value: Double) -> Double {
        guard value >= 0x1p-14 else { return 0x1p-24 }
        return Double(sign: .plus, exponent: value.exponent - 10, significand: 1)
    }

    /// The codes, one per element, row-major.
    public var codes: [UInt8] { BitPacking.unpack(packedCodes, bits: bits, count: rows * columns) }

    /// What a reader reconstructs: `(q − z)·s` per element, in double.
    public func dequantized() -> Matrix {
        let groups = groupsPerRow
        let codes = self.codes
        var values = [Double](repeating: 0, count: rows * columns)
        for row in 0..<rows {
            for column in 0..<columns {
                let group = row * groups + column / groupSize
                let scale = scaleFormat.value(scales[group])
                let zero = Double(HalfPrecision.float(fromF16: zeros[group]))
                values[row * columns + column] = (Double(codes[row * columns + column]) - zero) * scale
            }
        }
        return try! Matrix(rows: rows, columns: columns, elements: values)  // count is rows·columns
    }

    /// Rows `range` as ``dequantized()`` gives them, each value rounded once to Float, written
    /// row-major into `output` (`range.count × columns` Floats), read straight from the packed
    /// codes: what a runtime decodes tile by tile instead of holding the matrix in Float.
    func decodeRows(_ range: Range<Int>, into output: UnsafeMutablePointer<Float>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows \(range) outside 0..<\(rows)")
        let groups = groupsPerRow, mask = UInt16((1 << bits) - 1)
        packedCodes.withUnsafeBufferPointer { bytes in
            for (line, row) in range.enumerated() {
                for group in 0..<groups {
                    let scale = scaleFormat.value(scales[row * groups + group])
                    let zero = Double(HalfPrecision.float(fromF16: zeros[row * groups + group]))
                    for column in (group * groupSize)..<min(columns, (group + 1) * groupSize) {
                        // Code i sits at stream bits i·b …, b ≤ 8: within two bytes.
                        let bit = (row * columns + column) * bits, byte = bit >> 3
                        var word = UInt16(bytes[byte])
                        if byte + 1 < bytes.count { word |= UInt16(bytes[byte + 1]) << 8 }
                        let code = (word >> UInt16(bit & 7)) & mask
                        output[line * columns + column] = Float((Double(code) - zero) * scale)
                    }
                }
            }
        }
    }
}
