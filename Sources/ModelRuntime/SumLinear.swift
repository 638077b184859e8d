/// The sum of linear operators of one shape, `W = W₁ + W₂ + …`, applied term by term into the
/// same output: CALDERA's dequantized backbone `Q` plus its low-rank `L·R`, without forming `Q + L·R`.
public struct SumLinear: LinearOperator {
    /// The terms, applied in order; at least one.
    public let terms: [any LinearOperator]

    /// Sums `terms`, which must all map the same input width to the same output width.
    public init(_ terms: [any LinearOperator]) {
        precondition(!terms.isEmpty, "SumLinear needs at least one term")
        precondition(terms.allSatisfy { $0.outputCount == terms[0].outputCount && $0.inputCount == terms[0].inputCount },
                     "SumLinear: terms of different shapes")
        self.terms = terms
    }

    public var outputCount: Int { terms[0].outputCount }
    public var inputCount: Int { terms[0].inputCount }
    public var parameterCount: Int { terms.reduce(0) { $0 + $1.parameterCount } }

    public func apply(_ input: UnsafePointer<Float>, rows: Int, into output: UnsafeMutablePointer<Float>, accumulate: Bool) {
        for (index, term) in terms.enumerated() {
            term.apply(input, rows: rows, into: output, accumulate: accumulate || index > 0)
        }
    }
}
