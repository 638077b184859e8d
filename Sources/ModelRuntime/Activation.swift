import Foundation

/// The element-wise nonlinearities of the supported MLPs, named as `hidden_act` /
/// `activation_function` name them in `config.json`.
public enum Activation: Sendable, Equatable {
    /// x·σ(x) (`silu`, `swish`).
    case silu
    /// GELU with the exact erf (`gelu`).
    case geluErf
    /// GELU's tanh approximation (`gelu_new`, `gelu_pytorch_tanh`, `gelu_fast`).
    case geluTanh
    /// max(0, x) (`relu`).
    case relu

    /// The activation a config names, or nil for an unknown name.
    public init?(configName: String) {
        switch configName {
        case "silu", "swish": self = .silu
        case "gelu": self = .geluErf
        case "gelu_new", "gelu_pytorch_tanh", "gelu_fast": self = .geluTanh
        case "relu": self = .relu
        default: return nil
        }
    }

    /// Applies the activation in place to `count` values.
    func apply(_ values: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .silu:
            for i in 0..<count { let x = values[i]; values[i] = x / (1 + expf(-x)) }
        case .geluErf:
            for i in 0..<count { let x = values[i]; values[i] = 0.5 * x * (1 + erff(x * 0.70710678118654752)) }
        case .geluTanh:
            let c: Float = 0.7978845608028654
            for i in 0..<count { let x = values[i]; values[i] = 0.5 * x * (1 + tanhf(c * (x + 0.044715 * x * x * x))) }
        case .relu:
            for i in 0..<count { values[i] = max(0, values[i]) }
        }
    }
}
