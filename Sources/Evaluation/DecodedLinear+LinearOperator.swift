import Compression
import ModelRuntime

extension DecodedLinear {
    /// The runtime operator that multiplies by this layer without densifying it: a dense weight
    /// as one `sgemm`, factors `A·B` as two, CALDERA's `Q + A·B` as their sum. A packed CALDERA
    /// layer (``DecodedLinear/packedCaldera(_:bias:)``) keeps its backbone as stored, decoded tile
    /// by tile (``TiledLinear``), and with an incoherence seed turns the activations instead of the
    /// weight (``RotatedLinear``): `y = Uᵀ·(Q·(V·x) + A·(B·(V·x))) + b`.
    ///
    /// `storedTransposed` is for modules whose weight is stored `[in, out]` (GPT-2's Conv1D): the
    /// decoded matrices then describe `Wᵀ ≈ A·B`, so the operator is `W ≈ Bᵀ·Aᵀ` (each factor
    /// transposed once here, still never multiplied out).
    public func linearOperator(storedTransposed: Bool = false) -> any LinearOperator {
        func dense(_ matrix: DecodedMatrix, bias: [Float]?) -> DenseLinear {
            storedTransposed
                ? DenseLinear(weight: matrix.transposed().values, outputs: matrix.columns, inputs: matrix.rows, bias: bias)
                : DenseLinear(weight: matrix.values, outputs: matrix.rows, inputs: matrix.columns, bias: bias)
        }
        func factored(_ a: DecodedMatrix, _ b: DecodedMatrix, bias: [Float]?) -> FactoredLinear {
            storedTransposed
                ? FactoredLinear(left: b.transposed().values, right: a.transposed().values, outputs: b.columns, inputs: a.rows, rank: a.columns, bias: bias)
                : FactoredLinear(left: a.values, right: b.values, outputs: a.rows, inputs: b.columns, rank: a.columns, bias: bias)
        }
        switch self {
        case .dense(let weight, let bias):
            return dense(weight, bias: bias)
        case .factored(let a, let b, let bias):
            return factored(a, b, bias: bias)
        case .caldera(let backbone, let a, let b, let bias):
            return SumLinear([dense(backbone, bias: nil), factored(a, b, bias: bias)])
        case .packedCaldera(let layer, let bias):
            let backbone = TiledLinear(BackboneRows(backbone: layer.backbone), transposed: storedTransposed)
            guard let incoherence = layer.incoherence else { return SumLinear([backbone, factored(layer.a, layer.b, bias: bias)]) }
            // Stored W = Uᵀ·M·V (U on the stored rows); a weight stored [in, out] runs Wᵀ = Vᵀ·Mᵀ·U.
            let (input, output) = storedTransposed ? (incoherence.left, incoherence.right) : (incoherence.right, incoherence.left)
            return RotatedLinear(SumLinear([backbone, factored(layer.a, layer.b, bias: nil)]), inputTransform: input, outputTransform: output,
                                 bias: bias)
        }
    }
}
