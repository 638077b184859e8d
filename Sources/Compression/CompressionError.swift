/// Why a matrix could not be compressed; each case reads as one sentence.
public enum CompressionError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The tensor name does not end in `.weight`, so its factors cannot be named.
    case notAWeightName(String)
    /// The choice is impossible for this matrix (the text says why).
    case invalidChoice(tensor: String, reason: String)
    /// Unquantized outputs must be BF16, F16 or F32.
    case unsupportedOutputType(String)
    /// A quantization group needs a scale (the value) that no 16-bit scale type stores precisely.
    case unrepresentableScale(Double)

    /// One sentence describing the problem.
    public var description: String {
        switch self {
        case let .notAWeightName(name):
            return "Tensor \(name) cannot be factorized: its name does not end in .weight."
        case let .invalidChoice(tensor, reason):
            return "Tensor \(tensor) cannot be compressed as planned: \(reason)"
        case let .unsupportedOutputType(type):
            return "Output type \(type) is not supported for unquantized tensors (use BF16, F16 or F32)."
        case let .unrepresentableScale(range):
            return "A quantization group needs a scale of \(range), outside what F16 or BF16 scales store precisely (BF16 keeps 1.2e-38 to 1.7e38); keep this layer unquantized or rescale its weights."
        }
    }
}
