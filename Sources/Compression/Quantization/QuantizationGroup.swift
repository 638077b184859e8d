import LinearAlgebra

/// One quantization group's stored scale and zero point, and the rounding of values to its codes:
/// the per-group rule shared by ``QuantizedMatrix`` (round-to-nearest) and ``HessianQuantizer``
/// (GPTQ/LDLQ), so both write exactly the same kind of group.
///
/// A value `x` becomes the code `q = clamp(round(x/s + z), 0, 2^b − 1)` (ties to even) and reads
/// back as `x̂ = (q − z)·s`, with `s` (in the matrix's ``ScaleFormat``) and `z` (F16) as stored,
/// widened to double.
struct QuantizationGroup {
    /// Bits of the scale s, in the matrix's ``ScaleFormat``.
    let scaleBits: UInt16
    /// F16 bits of the zero point z.
    let zeroBits: UInt16
    /// s as stored, in double.
    let scale: Double
    /// z as stored, in double.
    let zero: Double
    /// The largest code, 2^b − 1.
    let levels: Double

    /// The group for values spanning `low…high` at `levels` = 2^b − 1, its scale stored in
    /// `format` (``QuantizedMatrix/scaleAndZero(low:high:levels:format:)`` chooses s and z).
    ///
    /// - Throws: ``CompressionError/unrepresentableScale(_:)`` when the range overflows `format`.
    init(low: Double, high: Double, levels: Double, format: ScaleFormat) throws {
        (scaleBits, zeroBits) = try QuantizedMatrix.scaleAndZero(low: low, high: high, levels: levels, format: format)
        scale = format.value(scaleBits)
        zero = Double(HalfPrecision.float(fromF16: zeroBits))
        self.levels = levels
    }

    /// The code of `value`: `clamp(round(value/s + z), 0, levels)`, ties to even.
    @inline(__always)
    func code(_ value: Double) -> UInt8 {
        UInt8(min(max((value / scale + zero).rounded(.toNearestOrEven), 0), levels))
    }

    /// What a reader reconstructs from `code`: `(code − z)·s`.
    @inline(__always)
    func value(_ code: UInt8) -> Double {
        (Double(code) - zero) * scale
    }
}
