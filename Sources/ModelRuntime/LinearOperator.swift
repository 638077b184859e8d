/// A linear layer `y = W·x + b` as the runtime applies it to a batch of token rows, whatever its
/// storage: the dense weight as stored (``DenseLinear``), two factors applied one after the other
/// and never multiplied out (``FactoredLinear``), or a sum of operators (``SumLinear``, CALDERA's
/// Q + L·R). Compressed layers are swapped in by module name (``TransformerModel/replaceLinear(_:with:)``).
public protocol LinearOperator: Sendable {
    /// m, the output width (rows of W).
    var outputCount: Int { get }
    /// n, the input width (columns of W).
    var inputCount: Int { get }
    /// Stored parameters (weights and bias), for speed and size reports.
    var parameterCount: Int { get }
    /// For `rows` input rows `X` ([rows × n], row-major), writes `X·Wᵀ + b` into `output`
    /// ([rows × m], row-major), or adds it to what `output` holds when `accumulate` (residual
    /// connections add in place).
    func apply(_ input: UnsafePointer<Float>, rows: Int, into output: UnsafeMutablePointer<Float>, accumulate: Bool)
}

extension LinearOperator {
    /// Adds `bias` to every one of `rows` output rows.
    func addBias(_ bias: [Float]?, rows: Int, to output: UnsafeMutablePointer<Float>) {
        guard let bias else { return }
        let width = outputCount
        bias.withUnsafeBufferPointer { b in
            for row in 0..<rows {
                let line = output + row * width
                for column in 0..<width { line[column] += b[column] }
            }
        }
    }
}
