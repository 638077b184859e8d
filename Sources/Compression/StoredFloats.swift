import LinearAlgebra
import SafeTensors

/// A matrix rounded to an unquantized output type (BF16, F16 or F32): its little-endian bytes and
/// the values a reader gets back from them.
struct StoredFloats {
    /// The little-endian bytes, row-major.
    let bytes: [UInt8]
    /// The stored values widened back to double.
    let readBack: Matrix

    /// Rounds `matrix` to `type` (round to nearest, ties to even).
    init(_ matrix: Matrix, as type: DType) throws {
        var bytes: [UInt8] = []
        var values = [Double](repeating: 0, count: matrix.elements.count)
        switch type {
        case .F32:
            bytes.reserveCapacity(4 * values.count)
            for (index, value) in matrix.elements.enumerated() {
                let single = Float(value)
                values[index] = Double(single)
                withUnsafeBytes(of: single.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            }
        case .F16, .BF16:
            bytes.reserveCapacity(2 * values.count)
            for (index, value) in matrix.elements.enumerated() {
                let bits = type == .F16 ? HalfPrecision.f16Bits(from: Float(value)) : HalfPrecision.bf16Bits(from: Float(value))
                values[index] = Double(type == .F16 ? HalfPrecision.float(fromF16: bits) : HalfPrecision.float(fromBF16: bits))
                bytes.append(UInt8(truncatingIfNeeded: bits))
                bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
            }
        default:
            throw CompressionError.unsupportedOutputType(type.rawValue)
        }
        self.bytes = bytes
        readBack = try Matrix(rows: matrix.rows, columns: matrix.columns, elements: values)
    }

    /// F16 bit patterns as little-endian bytes.
    static func bytes(ofF16 patterns: [UInt16]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(2 * patterns.count)
        for bits in patterns {
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
        }
        return bytes
    }
}
