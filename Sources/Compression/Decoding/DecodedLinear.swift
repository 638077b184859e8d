import LinearAlgebra

/// A linear layer `y = W·x + b` of a compressed model, as a runtime multiplies by it, *without*
/// densifying factored layers: `W` is m×n (`[out_features, in_features]`, PyTorch's `P.weight`
/// layout), x has n entries, y has m.
///
/// - ``dense(weight:bias:)``: W itself (a quantized dense weight dequantized, a `--dense`
///   materialised `W_k`, or a dense choice at 16 bits);
/// - ``factored(a:b:bias:)``: `W ≈ A·B`, A m×k (`P.1`), B k×n (`P.0`): `y = A·(B·x) + b`;
/// - ``caldera(backbone:a:b:bias:)``: `W ≈ Q + A·B`, Q m×n (`P.backbone`): `y = Q·x + A·(B·x) + b`;
/// - ``packedCaldera(_:bias:)``: `W ≈ Uᵀ·(Q + A·B)·V` with Q still packed (``PackedCaldera``):
///   `y = Uᵀ·(Q·(V·x) + A·(B·(V·x))) + b`, for a runtime that never forms W.
///
/// Every matrix holds exactly what a reader of the written tensors gets (``DecodedMatrix``); the
/// bias is the original `P.bias` (F32/F16/BF16 values are exact in Float), nil when the layer has none.
///
/// W is in the orientation the checkpoint stores `P.weight`, which `compress` factorizes as it is.
/// For PyTorch's `nn.Linear` that is `[out, in]` as above. GPT-2's `Conv1D` stores `[in, out]`
/// (`y = x·W + b`): there m is the input width, the bias has n values, and a runtime applies
/// `Wᵀ = Bᵀ·Aᵀ` (``DecodedMatrix/transposed()``).
/// ``InMemoryCompression`` and ``CompressedFolder`` produce them, bit for bit the same for one plan.
public enum DecodedLinear: Sendable, Equatable {
    /// `W` m×n.
    case dense(weight: DecodedMatrix, bias: [Float]?)
    /// `W ≈ A·B`: `a` m×k, `b` k×n.
    case factored(a: DecodedMatrix, b: DecodedMatrix, bias: [Float]?)
    /// `W ≈ Q + A·B`: `backbone` m×n, `a` m×k, `b` k×n.
    case caldera(backbone: DecodedMatrix, a: DecodedMatrix, b: DecodedMatrix, bias: [Float]?)
    /// `W ≈ Uᵀ·(Q + A·B)·V` (U, V the identity without an incoherence seed), Q packed.
    case packedCaldera(PackedCaldera, bias: [Float]?)

    /// m, the output features.
    public var rows: Int {
        switch self {
        case .dense(let weight, _): return weight.rows
        case .factored(let a, _, _), .caldera(_, let a, _, _): return a.rows
        case .packedCaldera(let layer, _): return layer.a.rows
        }
    }

    /// n, the input features.
    public var columns: Int {
        switch self {
        case .dense(let weight, _): return weight.columns
        case .factored(_, let b, _), .caldera(_, _, let b, _): return b.columns
        case .packedCaldera(let layer, _): return layer.b.columns
        }
    }

    /// k of factored and CALDERA layers, nil for dense ones.
    public var rank: Int? {
        switch self {
        case .dense: return nil
        case .factored(_, let b, _), .caldera(_, _, let b, _): return b.rows
        case .packedCaldera(let layer, _): return layer.b.rows
        }
    }

    /// The bias (m values; n for a `Conv1D` weight stored `[in, out]`), nil when the layer has none.
    public var bias: [Float]? {
        switch self {
        case .dense(_, let bias), .factored(_, _, let bias), .caldera(_, _, _, let bias), .packedCaldera(_, let bias): return bias
        }
    }

    /// The same layer with `bias` instead.
    func with(bias: [Float]?) -> DecodedLinear {
        switch self {
        case .dense(let weight, _): return .dense(weight: weight, bias: bias)
        case .factored(let a, let b, _): return .factored(a: a, b: b, bias: bias)
        case .caldera(let q, let a, let b, _): return .caldera(backbone: q, a: a, b: b, bias: bias)
        case .packedCaldera(let layer, _): return .packedCaldera(layer, bias: bias)
        }
    }
}
