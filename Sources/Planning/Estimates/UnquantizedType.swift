import SafeTensors

/// The one rule for the dtype of unquantized (16-bit) outputs, shared by the plan's byte estimates
/// (``LayerEstimate``, ``GroupQuantization``) and `compress` (Compression's `LayerCompressionSettings`).
///
/// A plan's bit width is what the file holds: 16-bit factors, 16-bit dense weights and a
/// `--dense` Ŵ are written at 2 bytes per value whatever the source's type. A BF16 or F16 source
/// keeps its own type; F32 and F64 sources get **BF16** (the range of F32, so no value overflows).
/// `compress --factor-type bf16|f16` picks either 16-bit type instead; `--factor-type f32` is an
/// explicit opt-in that writes 4 bytes per unquantized value, twice the plan's count.
public enum UnquantizedType {
    /// The dtype unquantized outputs of a tensor stored as `stored` are written in when no type is
    /// asked for: `stored` itself for BF16 and F16, BF16 for every wider (or other) type.
    public static func defaultType(forStored stored: DType) -> DType {
        switch stored {
        case .BF16, .F16: return stored
        default: return .BF16
        }
    }

    /// The dtype of unquantized outputs: `requested` (`--factor-type`) when given, else
    /// ``defaultType(forStored:)``.
    public static func outputType(forStored stored: DType, requested: DType?) -> DType {
        requested ?? defaultType(forStored: stored)
    }

}
