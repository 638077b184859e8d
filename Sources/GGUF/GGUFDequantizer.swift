import LinearAlgebra

/// Decodes ggml's block formats to `Float`, bit for bit as the `gguf` Python package's
/// `gguf.quants.dequantize` does (same operations, same order, all in single precision).
///
/// Each format stores a run of `blockSize` weights in `blockBytes` bytes: a scale (`d`, F16),
/// sometimes a minimum or a second scale (`m` / `dmin`), and packed small integers. The legacy
/// formats (Q4_0 … Q8_0) live in `GGUFDequantizer+Legacy.swift`, the K-quants (256-weight super-
/// blocks with 6-bit sub-block scales) in `GGUFDequantizer+KQuants.swift`.
public enum GGUFDequantizer {
    /// Decodes the whole blocks in `source` (a multiple of `type.blockBytes` bytes) into `output`
    /// (`source.count / blockBytes × blockSize` floats).
    ///
    /// - Precondition: `type.isDequantizable` and the sizes match.
    public static func dequantize(_ type: GGMLType, _ source: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Float>) {
        precondition(type.isDequantizable, "\(type.name) has no dequantizer")
        let blocks = source.count / type.blockBytes
        precondition(source.count == blocks * type.blockBytes && output.count == blocks * type.blockSize,
                     "\(source.count) bytes of \(type.name) do not fill \(output.count) floats")
        guard blocks > 0, let input = source.baseAddress, let out = output.baseAddress else { return }
        let decode: (UnsafeRawPointer, UnsafeMutablePointer<Float>) -> Void
        switch type {
        case .F32: decode = { $1.pointee = $0.loadUnaligned(as: Float.self) }
        case .F16: decode = { $1.pointee = HalfPrecision.float(fromF16: $0.loadUnaligned(as: UInt16.self)) }
        case .BF16: decode = { $1.pointee = HalfPrecision.float(fromBF16: $0.loadUnaligned(as: UInt16.self)) }
        case .Q4_0: decode = q4_0
        case .Q4_1: decode = q4_1
        case .Q5_0: decode = q5_0
        case .Q5_1: decode = q5_1
        case .Q8_0: decode = q8_0
        case .Q2_K: decode = q2_K
        case .Q3_K: decode = q3_K
        case .Q4_K: decode = q4_K
        case .Q5_K: decode = q5_K
        case .Q6_K: decode = q6_K
        default: return
        }
        for block in 0..<blocks {
            decode(input + block * type.blockBytes, out + block * type.blockSize)
        }
    }

    /// The F16 scale at byte `offset` of a block, widened exactly.
    @inline(__always)
    static func half(_ block: UnsafeRawPointer, _ offset: Int) -> Float {
        HalfPrecision.float(fromF16: block.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    /// Byte `offset` of a block.
    @inline(__always)
    static func byte(_ block: UnsafeRawPointer, _ offset: Int) -> UInt8 {
        block.load(fromByteOffset: offset, as: UInt8.self)
    }
}
