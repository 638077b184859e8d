import LinearAlgebra
import SafeTensors

extension ScalarFormat {
    /// The in-memory format of a decomposable safetensors dtype; nil for integer, bool and F8 types.
    public init?(_ dtype: DType) {
        switch dtype {
        case .F64: self = .f64
        case .F32: self = .f32
        case .F16: self = .f16
        case .BF16: self = .bf16
        default: return nil
        }
    }
}
