/// A ggml tensor type, as stored in a GGUF tensor info (numbering of ggml.h's `ggml_type`).
///
/// Every type ggml still defines is known, with its block size (elements per block) and block
/// byte size, so any valid GGUF can be listed with real byte counts; ``isDequantizable`` says
/// which of them ``GGUFDequantizer`` turns into floats.
public enum GGMLType: UInt32, CaseIterable, Sendable {
    case F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, Q5_0 = 6, Q5_1 = 7, Q8_0 = 8, Q8_1 = 9
    case Q2_K = 10, Q3_K = 11, Q4_K = 12, Q5_K = 13, Q6_K = 14, Q8_K = 15
    case IQ2_XXS = 16, IQ2_XS = 17, IQ3_XXS = 18, IQ1_S = 19, IQ4_NL = 20, IQ3_S = 21, IQ2_S = 22, IQ4_XS = 23
    case I8 = 24, I16 = 25, I32 = 26, I64 = 27, F64 = 28, IQ1_M = 29, BF16 = 30
    case TQ1_0 = 34, TQ2_0 = 35, MXFP4 = 39, NVFP4 = 40, Q1_0 = 41

    /// The name llama.cpp and the `gguf` package print, e.g. `Q4_K`.
    public var name: String { String(describing: self) }

    /// Elements per block (1 for the plain numeric types, 256 for the K-quants).
    public var blockSize: Int {
        switch self {
        case .F32, .F16, .BF16, .F64, .I8, .I16, .I32, .I64: return 1
        case .Q4_0, .Q4_1, .Q5_0, .Q5_1, .Q8_0, .Q8_1, .IQ4_NL, .MXFP4: return 32
        case .NVFP4: return 64
        case .Q1_0: return 128
        default: return 256
        }
    }

    /// Bytes per block.
    public var blockBytes: Int {
        switch self {
        case .F32, .I32: return 4
        case .F16, .BF16, .I16: return 2
        case .F64, .I64: return 8
        case .I8: return 1
        case .Q4_0, .IQ4_NL: return 18
        case .Q4_1: return 20
        case .Q5_0: return 22
        case .Q5_1: return 24
        case .Q8_0: return 34
        case .Q8_1: return 40
        case .Q2_K: return 84
        case .Q3_K: return 110
        case .Q4_K: return 144
        case .Q5_K: return 176
        case .Q6_K: return 210
        case .Q8_K: return 292
        case .IQ2_XXS: return 66
        case .IQ2_XS: return 74
        case .IQ3_XXS: return 98
        case .IQ1_S: return 50
        case .IQ3_S: return 110
        case .IQ2_S: return 82
        case .IQ4_XS: return 136
        case .IQ1_M: return 56
        case .TQ1_0: return 54
        case .TQ2_0: return 66
        case .MXFP4: return 17
        case .NVFP4: return 36
        case .Q1_0: return 18
        }
    }

    /// Storage bits per weight, scales included (e.g. 4.5 for Q4_0, 5.0 for Q4_1).
    public var bitsPerWeight: Double { Double(blockBytes * 8) / Double(blockSize) }

    /// True for the types ``GGUFDequantizer`` decodes to floats: F32, F16, BF16, Q8_0, Q4_0,
    /// Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K and Q6_K.
    public var isDequantizable: Bool {
        switch self {
        case .F32, .F16, .BF16, .Q8_0, .Q4_0, .Q4_1, .Q5_0, .Q5_1, .Q2_K, .Q3_K, .Q4_K, .Q5_K, .Q6_K: return true
        default: return false
        }
    }
}
