/// A linear layer with its weight as one dense `[m × n]` Float matrix: one `sgemm` per batch.
public struct DenseLinear: LinearOperator {
    /// W, row-major `[outputCount × inputCount]`.
    public let weight: [Float]
    /// b (`outputCount` values), if the layer has one.
    public let bias: [Float]?
    public let outputCount: Int
    public let inputCount: Int

    /// Wraps `weight` (`[outputs × inputs]`, row-major) and an optional bias.
    public init(weight: [Float], outputs: Int, inputs: Int, bias: [Float]? = nil) {
        precondition(weight.count == outputs * inputs, "DenseLinear: weight has \(weight.count) values, not \(outputs)×\(inputs)")
        precondition(bias == nil || bias!.count == outputs, "DenseLinear: bias width differs from the outputs")
        self.weight = weight
        self.bias = bias
        self.outputCount = outputs
        self.inputCount = inputs
    }

    public var parameterCount: Int { weight.count + (bias?.count ?? 0) }

    public func apply(_ input: UnsafePointer<Float>, rows: Int, into output: UnsafeMutablePointer<Float>, accumulate: Bool) {
        weight.withUnsafeBufferPointer { w in
            Matmul.multiply(m: rows, n: outputCount, k: inputCount, a: input, b: w.baseAddress!,
                            transposeB: true, beta: accumulate ? 1 : 0, c: output)
        }
        addBias(bias, rows: rows, to: output)
    }
}
