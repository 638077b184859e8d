import LinearAlgebra
import SafeTensors

/// A matrix quantized with the ``E8PCodebook`` (2 bits per weight): each run of 8 entries along a
/// row is one 16-bit code, each row has one F16 scale `s`, and an entry reads back as
/// `s·codeword[i]`. Meant for an incoherence-processed CALDERA backbone (``Incoherence``), whose
/// rows are near-Gaussian: `s = RMS(row) / ``scaleFactor``` puts them where the lattice is dense.
///
/// Bits per weight: `2 + 16/n` (one scale per row), below round-to-nearest 2-bit groups of g
/// (`2 + 32/g`). Stored as `p.e8p` and `p.e8p_scales` (``tensors(prefix:)``; docs/compression.md,
/// "E8P backbone layout"), read back by ``LayerDecoder`` through ``init(rows:columns:codes:scales:)``.
struct E8PMatrix: Sendable, Equatable {
    /// Rows.
    let rows: Int
    /// Columns (a multiple of 8).
    let columns: Int
    /// `rows × columns/8` codes, row-major.
    let codes: [UInt16]
    /// F16 bits of each row's scale.
    let scales: [UInt16]

    /// RMS(row)/scale is the lattice's unit: chosen on Gaussian rows (`E8PCodebookTests`, relative
    /// squared error 0.0988 at 0.9, 0.0916 at 1.0, 0.0927 at 1.1, 0.0996 at 1.2; a scalar 2-bit
    /// Lloyd–Max grid: 0.1175).
    static let scaleFactor = 1.0

    /// True when a matrix with `columns` columns can be quantized (whole runs of 8).
    static func accepts(columns: Int) -> Bool { columns % E8PCodebook.dimension == 0 }

    /// The codes tensor's name under `prefix`: `p.e8p`.
    static func codesName(prefix: String) -> String { prefix + ".e8p" }
    /// The scales tensor's name under `prefix`: `p.e8p_scales`.
    static func scalesName(prefix: String) -> String { prefix + ".e8p_scales" }

    /// The tensors' specs of a `rows`×`columns` matrix under `prefix`, in the order ``tensors(prefix:)`` gives them.
    static func specs(prefix: String, rows: Int, columns: Int) -> [TensorSpec] {
        [TensorSpec(name: codesName(prefix: prefix), dtype: .U16, shape: [rows, columns / E8PCodebook.dimension]),
         TensorSpec(name: scalesName(prefix: prefix), dtype: .F16, shape: [rows])]
    }

    /// A matrix from stored codes (`rows × columns/8`, row-major) and F16 row scales (`rows`), as read from a file.
    init(rows: Int, columns: Int, codes: [UInt16], scales: [UInt16]) {
        precondition(Self.accepts(columns: columns) && codes.count == rows * columns / E8PCodebook.dimension && scales.count == rows,
                     "\(codes.count) codes and \(scales.count) scales do not fit a \(rows)×\(columns) E8P matrix")
        self.rows = rows
        self.columns = columns
        self.codes = codes
        self.scales = scales
    }

    /// Quantizes `matrix` (columns a multiple of 8) to the nearest codewords at each row's scale
    /// (``rowScales(of:scaleFactor:)``).
    init(quantizing matrix: Matrix, scaleFactor: Double = E8PMatrix.scaleFactor) {
        precondition(Self.accepts(columns: matrix.columns), "E8P needs a multiple of 8 columns, not \(matrix.columns)")
        let scales = Self.rowScales(of: matrix, scaleFactor: scaleFactor)
        let blocks = matrix.columns / E8PCodebook.dimension
        var codes = [UInt16](repeating: 0, count: matrix.rows * blocks)
        let x = matrix.elements
        var block = [Double](repeating: 0, count: E8PCodebook.dimension)
        for row in 0..<matrix.rows {
            let scale = Double(HalfPrecision.float(fromF16: scales[row]))
            guard scale > 0, scale.isFinite else { continue }  // a zero row reads back as 0 whatever its codes
            for b in 0..<blocks {
                for i in 0..<E8PCodebook.dimension { block[i] = x[row * matrix.columns + b * E8PCodebook.dimension + i] / scale }
                codes[row * blocks + b] = E8PCodebook.nearest(block[...]).code
            }
        }
        self.init(rows: matrix.rows, columns: matrix.columns, codes: codes, scales: scales)
    }

    /// The F16 bits of each row's scale `s = RMS(row)/scaleFactor`: the one rule for the scales of
    /// round-to-nearest E8P and of LDLQ (``HessianQuantizer/quantizeE8P(_:)``, which fixes them
    /// from the matrix before any error feedback).
    static func rowScales(of matrix: Matrix, scaleFactor: Double = E8PMatrix.scaleFactor) -> [UInt16] {
        let columns = matrix.columns
        return (0..<matrix.rows).map { row in
            let slice = matrix.elements[(row * columns)..<((row + 1) * columns)]
            let rms = (slice.reduce(0) { $0 + $1 * $1 } / Double(max(columns, 1))).squareRoot()
            return HalfPrecision.f16Bits(from: Float(rms / scaleFactor))
        }
    }

    /// What a reader reconstructs: `s·codeword` per run of 8.
    func dequantized() -> Matrix {
        let blocks = columns / E8PCodebook.dimension
        var values = [Double](repeating: 0, count: rows * columns)
        values.withUnsafeMutableBufferPointer { buffer in
            for row in 0..<rows {
                let scale = Double(HalfPrecision.float(fromF16: scales[row]))
                for b in 0..<blocks {
                    let word = buffer.baseAddress! + row * columns + b * E8PCodebook.dimension
                    E8PCodebook.codeword(codes[row * blocks + b], into: word)
                    for i in 0..<E8PCodebook.dimension { word[i] *= scale }
                }
            }
        }
        return try! Matrix(rows: rows, columns: columns, elements: values)  // count is rows·columns
    }

    /// Rows `range` as ``dequantized()`` gives them rounded to Float (the same values bit for bit:
    /// an F16 scale times a codeword entry is exact in Float), written row-major into `output`
    /// (`range.count × columns` Floats), or added to what it holds when `accumulate` (a residual
    /// stage, ``E8PBackbone``): what a runtime decodes tile by tile instead of holding the matrix in Float.
    func decodeRows(_ range: Range<Int>, into output: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows \(range) outside 0..<\(rows)")
        let blocks = columns / E8PCodebook.dimension
        E8PCodebook.codewordTable.withUnsafeBufferPointer { table in
            codes.withUnsafeBufferPointer { codes in
                for (line, row) in range.enumerated() {
                    let scale = HalfPrecision.float(fromF16: scales[row])
                    let target = output + line * columns
                    for b in 0..<blocks {
                        let word = table.baseAddress! + Int(codes[row * blocks + b]) * E8PCodebook.dimension
                        let place = target + b * E8PCodebook.dimension
                        if accumulate {
                            for i in 0..<E8PCodebook.dimension { place[i] += scale * word[i] }
                        } else {
                            for i in 0..<E8PCodebook.dimension { place[i] = scale * word[i] }
                        }
                    }
                }
            }
        }
    }

    /// Bytes as stored: 2 per code and 2 per row scale.
    var byteCount: Int { 2 * codes.count + 2 * scales.count }

    /// The tensors under `prefix`: `p.e8p` (U16 [rows, columns/8], little-endian codes) and
    /// `p.e8p_scales` (F16 [rows]).
    func tensors(prefix: String) -> [OutputTensor] {
        let specs = Self.specs(prefix: prefix, rows: rows, columns: columns)
        return [OutputTensor(name: specs[0].name, dtype: specs[0].dtype, shape: specs[0].shape, bytes: codeBytes),
                OutputTensor(name: specs[1].name, dtype: specs[1].dtype, shape: specs[1].shape, bytes: StoredFloats.bytes(ofF16: scales))]
    }

    /// The codes as stored: two little-endian bytes each, row-major.
    var codeBytes: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 2 * codes.count)
        for (index, code) in codes.enumerated() {
            bytes[2 * index] = UInt8(truncatingIfNeeded: code)
            bytes[2 * index + 1] = UInt8(truncatingIfNeeded: code >> 8)
        }
        return bytes
    }
}
