import LinearAlgebra

extension DecodedLinear {
    /// Ŵ (m×n) in double: W, A·B, Q + A·B or `Uᵀ·(Q + A·B)·V` from the decoded values. For checks (‖W − Ŵ‖/‖W‖
    /// against the report's `measured_relative_error`); a runtime multiplies by the factors instead.
    public func reconstruction() throws -> Matrix {
        switch self {
        case .dense(let weight, _): return weight.widened
        case .factored(let a, let b, _): return try a.widened.multiplied(by: b.widened)
        case .caldera(let q, let a, let b, _): return try q.widened + a.widened.multiplied(by: b.widened)
        case .packedCaldera(let layer, _): return try layer.reconstruction()
        }
    }

    /// `Y = Ŵ·X + b·1ᵀ` for a batch X (n×t, one input per column) in double, computed as the
    /// runtime would, factor by factor (`A·(B·X)`), never forming Ŵ: a reference for tests of a runtime.
    /// For an `nn.Linear` layout (W `[out, in]`, bias of m values).
    public func applied(to inputs: Matrix) throws -> Matrix {
        precondition(inputs.rows == columns, "a layer with \(columns) inputs cannot take \(inputs.rows)-row inputs")
        var output: Matrix
        switch self {
        case .dense(let weight, _): output = try weight.widened.multiplied(by: inputs)
        case .factored(let a, let b, _): output = try a.widened.multiplied(by: b.widened.multiplied(by: inputs))
        case .caldera(let q, let a, let b, _):
            output = try q.widened.multiplied(by: inputs) + a.widened.multiplied(by: b.widened.multiplied(by: inputs))
        case .packedCaldera(let layer, _): output = try layer.reconstruction().multiplied(by: inputs)
        }
        if let bias {
            precondition(bias.count == output.rows, "the bias has \(bias.count) values for \(output.rows) outputs")
            for i in 0..<output.rows { for j in 0..<output.columns { output[i, j] += Double(bias[i]) } }
        }
        return output
    }
}
