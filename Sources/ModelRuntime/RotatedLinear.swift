import LinearAlgebra

/// A linear layer `W = Tₒᵀ·M·Tᵢ` with orthogonal randomized Hadamard transforms on both sides
/// (incoherence processing: QuIP#, CALDERA), applied to the activations instead of the weight:
/// each token's input is turned by Tᵢ, the inner operator M runs on it (e.g. a packed backbone
/// plus low-rank factors), and its output is turned back by Tₒᵀ, all in place on the batch. The
/// transforms cost O(n·(log n + r)) per token (``RandomizedHadamard``); W is never formed.
public struct RotatedLinear: LinearOperator {
    /// M, without bias.
    public let inner: any LinearOperator
    /// Tᵢ, of size ``inputCount``.
    public let inputTransform: RandomizedHadamard
    /// Tₒ, of size ``outputCount``.
    public let outputTransform: RandomizedHadamard
    /// b (`outputCount` values), added after the output transform.
    public let bias: [Float]?

    /// `Tₒᵀ·inner·Tᵢ + b`; the transforms' sizes must match the inner operator's widths.
    public init(_ inner: any LinearOperator, inputTransform: RandomizedHadamard, outputTransform: RandomizedHadamard, bias: [Float]? = nil) {
        precondition(inputTransform.size == inner.inputCount && outputTransform.size == inner.outputCount,
                     "RotatedLinear: transforms of \(inputTransform.size) and \(outputTransform.size) around a \(inner.outputCount)×\(inner.inputCount) operator")
        precondition(bias == nil || bias!.count == inner.outputCount, "RotatedLinear: bias width differs from the outputs")
        self.inner = inner
        self.inputTransform = inputTransform
        self.outputTransform = outputTransform
        self.bias = bias
    }

    public var outputCount: Int { inner.outputCount }
    public var inputCount: Int { inner.inputCount }
    public var parameterCount: Int { inner.parameterCount + (bias?.count ?? 0) }

    public func apply(_ input: UnsafePointer<Float>, rows: Int, into output: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let n = inputCount, m = outputCount
        let turned = UnsafeMutablePointer<Float>.allocate(capacity: max(1, rows * n))
        defer { turned.deallocate() }
        turned.initialize(from: input, count: rows * n)
        inputTransform.apply(turned, count: rows)
        if accumulate {
            let product = UnsafeMutablePointer<Float>.allocate(capacity: max(1, rows * m))
            defer { product.deallocate() }
            inner.apply(turned, rows: rows, into: product, accumulate: false)
            outputTransform.invert(product, count: rows)
            for i in 0..<(rows * m) { output[i] += product[i] }
        } else {
            inner.apply(turned, rows: rows, into: output, accumulate: false)
            outputTransform.invert(output, count: rows)
        }
        addBias(bias, rows: rows, to: output)
    }
}
