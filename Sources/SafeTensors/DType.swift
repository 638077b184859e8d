/// The element types of the safetensors format that occupy whole bytes.
///
/// Cases are declared in the reference implementation's order (huggingface/safetensors
/// `Dtype`), which is also its "alignment" order: writers lay tensors out by descending
/// position in this list, then by name. The sub-byte types F4, F6_E2M3 and F6_E3M2 are not
/// supported; a header using them is reported as having an unknown dtype.
public enum DType: String, CaseIterable, Sendable, Comparable {
    /// Boolean, one byte per element.
    case BOOL
    /// Unsigned 8-bit integer.
    case U8
    /// Signed 8-bit integer.
    case I8
    /// 8-bit float with 5 exponent and 2 mantissa bits.
    case F8_E5M2
    /// 8-bit float with 4 exponent and 3 mantissa bits.
    case F8_E4M3
    /// 8-bit exponent-only scale (OCP MX E8M0).
    case F8_E8M0
    /// 8-bit float E4M3, "FNUZ" variant (no negative zero, NaN at 0x80).
    case F8_E4M3FNUZ
    /// 8-bit float E5M2, "FNUZ" variant (no negative zero, NaN at 0x80).
    case F8_E5M2FNUZ
    /// Signed 16-bit integer.
    case I16
    /// Unsigned 16-bit integer.
    case U16
    /// IEEE 754 half precision.
    case F16
    /// bfloat16 (the upper half of an IEEE single).
    case BF16
    /// Signed 32-bit integer.
    case I32
    /// Unsigned 32-bit integer.
    case U32
    /// IEEE 754 single precision.
    case F32
    /// Complex number of two single-precision floats.
    case C64
    /// IEEE 754 double precision.
    case F64
    /// Signed 64-bit integer.
    case I64
    /// Unsigned 64-bit integer.
    case U64

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .BOOL, .U8, .I8, .F8_E5M2, .F8_E4M3, .F8_E8M0, .F8_E4M3FNUZ, .F8_E5M2FNUZ: return 1
        case .I16, .U16, .F16, .BF16: return 2
        case .I32, .U32, .F32: return 4
        case .C64, .F64, .I64, .U64: return 8
        }
    }

    /// True for the real floating-point types whose matrices rankscope can decompose
    /// (F64, F32, F16, BF16); false for integers, Booleans, 8-bit floats and complex numbers.
    public var isDecomposable: Bool {
        switch self {
        case .F64, .F32, .F16, .BF16: return true
        default: return false
        }
    }

    /// The position in the reference implementation's dtype order.
    var rank: Int { DType.allCases.firstIndex(of: self) ?? 0 }

    /// Orders dtypes as the reference implementation does (BOOL first, U64 last).
    public static func < (lhs: DType, rhs: DType) -> Bool { lhs.rank < rhs.rank }
}
