/// A low-rank layer `W ≈ A·B` (`A` is `[m × k]`, `B` is `[k × n]`) applied as two matmuls,
/// `(X·Bᵀ)·Aᵀ`, never multiplied out: `k·(m + n)` multiply-adds per row instead of `m·n`, which
/// is where a factored model's speed-up comes from.
public struct FactoredLinear: LinearOperator {
    /// A, row-major `[outputCount × rank]`.
    public let left: [Float]
    /// B, row-major `[rank × inputCount]`.
    public let right: [Float]
    /// b (`outputCount` values), if the layer has one.
    public let bias: [Float]?
    public let outputCount: Int
    public let inputCount: Int
    /// k, the inner dimension.
    public let rank: Int

    /// Wraps the factors `left` (A, `[outputs × rank]`) and `right` (B, `[rank × inputs]`).
    public init(left: [Float], right: [Float], outputs: Int, inputs: Int, rank: Int, bias: [Float]? = nil) {
        precondition(left.count == outputs * rank && right.count == rank * inputs, "FactoredLinear: factor sizes differ from \(outputs)×\(rank)·\(rank)×\(inputs)")
        precondition(bias == nil || bias!.count == outputs, "FactoredLinear: bias width differs from the outputs")
        self.left = left
        self.right = right
        self.bias = bias
        self.outputCount = outputs
        self.inputCount = inputs
        self.rank = rank
    }

    public var parameterCount: Int { left.count + right.count + (bias?.count ?? 0) }

    public func apply(_ input: UnsafePointer<Float>, rows: Int, into output: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let middle = UnsafeMutablePointer<Float>.allocate(capacity: max(1, rows * rank))
        defer { middle.deallocate() }
        right.withUnsafeBufferPointer { b in
            Matmul.multiply(m: rows, n: rank, k: inputCount, a: input, b: b.baseAddress!, transposeB: true, beta: 0, c: middle)
        }
        left.withUnsafeBufferPointer { a in
            Matmul.multiply(m: rows, n: outputCount, k: rank, a: middle, b: a.baseAddress!,
                            transposeB: true, beta: accumulate ? 1 : 0, c: output)
        }
        addBias(bias, rows: rows, to: output)
    }
}
