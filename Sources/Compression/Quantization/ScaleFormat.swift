import LinearAlgebra
import SafeTensors

/// The 16-bit type a quantized matrix stores its group scales in, chosen per matrix and recorded
/// as the dtype of its `p.scales` tensor, so every reader (``LayerDecoder``, the Python oracles)
/// takes it from the file. Both are 2 bytes, so the choice never changes a size.
///
/// F16 has 11 significant bits but stops at 65504 and becomes subnormal (losing precision) below
/// 2⁻¹⁴; BF16 has only 8 significant bits but F32's range. F16 is kept while every scale is at
/// least 2⁻¹⁶ — down to there its subnormals still resolve a scale to better than BF16's 2⁻⁸ — and
/// at most 2¹⁵; otherwise (weights around 1e-7, or huge ones) BF16. A matrix whose scales fall
/// outside BF16's normal range (below 2⁻¹²⁶ ≈ 1.2e-38 or above 2¹²⁷) is refused: no 16-bit scale
/// could keep its precision there.
public enum ScaleFormat: String, Sendable, Equatable {
    /// IEEE binary16.
    case f16 = "F16"
    /// bfloat16.
    case bf16 = "BF16"

    /// The safetensors dtype of the scales tensor.
    public var dtype: DType { self == .f16 ? .F16 : .BF16 }

    /// The format stored as `dtype`, nil for any other dtype.
    public init?(dtype: DType) {
        switch dtype {
        case .F16: self = .f16
        case .BF16: self = .bf16
        default: return nil
        }
    }

    /// The value of the stored bits, in double.
    @inline(__always)
    public func value(_ bits: UInt16) -> Double {
        Double(self == .f16 ? HalfPrecision.float(fromF16: bits) : HalfPrecision.float(fromBF16: bits))
    }

    /// The bits of the smallest number of this format at or above `value` (> 0); the smallest
    /// positive number when `value` is below it.
    func bits(roundingUp value: Double) -> UInt16 {
        var bits = self == .f16 ? HalfPrecision.f16Bits(from: Float(value)) : HalfPrecision.bf16Bits(from: Float(value))
        if bits & 0x7FFF == 0 { bits = 0x0001 }
        if self.value(bits) < value { bits += 1 }
        return bits
    }

    /// The bits nearest `value`.
    func bits(nearest value: Double) -> UInt16 {
        self == .f16 ? HalfPrecision.f16Bits(from: Float(value)) : HalfPrecision.bf16Bits(from: Float(value))
    }

    /// The format for a matrix whose groups need scales from `smallest` to `largest` (both > 0;
    /// nil when every group is constant zero, which any format stores exactly).
    ///
    /// - Throws: ``CompressionError/unrepresentableScale(_:)`` with the offending scale when it
    ///   lies outside BF16's normal range.
    static func choose(smallest: Double?, largest: Double?) throws -> ScaleFormat {
        guard let smallest, let largest else { return .f16 }
        if smallest >= 0x1p-16 && largest <= 0x1p15 { return .f16 }
        guard smallest >= 0x1p-126 else { throw CompressionError.unrepresentableScale(smallest) }
        guard largest <= 0x1p127 else { throw CompressionError.unrepresentableScale(largest) }
        return .bf16
    }

    /// The format for quantizing `elements` (`rows × columns`, row-major) in groups of
    /// `groupSize` along each row at `levels` = 2^b − 1: each group's scale is about
    /// ``QuantizedMatrix/idealScale(low:high:levels:)``.
    static func choose(for elements: [Double], rows: Int, columns: Int, groupSize: Int, levels: Double) throws -> ScaleFormat {
        var smallest: Double?, largest: Double?
        for row in 0..<rows {
            var start = row * columns
            let rowEnd = start + columns
            while start < rowEnd {
                let end = min(rowEnd, start + groupSize)
                var low = elements[start], high = elements[start]
                for i in start..<end { low = min(low, elements[i]); high = max(high, elements[i]) }
                if let scale = QuantizedMatrix.idealScale(low: low, high: high, levels: levels) {
                    smallest = min(smallest ?? scale, scale)
                    largest = max(largest ?? scale, scale)
                }
                start = end
            }
        }
        return try choose(smallest: smallest, largest: largest)
    }
}
