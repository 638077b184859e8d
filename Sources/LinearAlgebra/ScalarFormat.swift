/// The element encodings a ``MatrixSource`` can hold.
///
/// All formats are little-endian IEEE-754 layouts as found in safetensors files:
/// `f64` (binary64), `f32` (binary32), `f16` (binary16) and `bf16` (the upper half of a binary32).
public enum ScalarFormat: Sendable, Hashable, CaseIterable {
    /// IEEE-754 binary64, 8 bytes per element.
    case f64
    /// IEEE-754 binary32, 4 bytes per element.
    case f32
    /// IEEE-754 binary16 (half precision), 2 bytes per element.
    case f16
    /// bfloat16: the top 16 bits of a binary32, 2 bytes per element.
    case bf16

    /// The number of bytes one element occupies.
    public var byteWidth: Int {
        switch self {
        case .f64: return 8
        case .f32: return 4
        case .f16, .bf16: return 2
        }
    }
}
