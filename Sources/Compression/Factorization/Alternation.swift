/// When CALDERA's alternation (plain ``Caldera`` and ``HessianCaldera``) stops before the
/// requested number of iterations.
///
/// Alternating between the quantized backbone Q̂ and the quantized factors L̂R̂ is not monotone:
/// on an ordinary Gaussian matrix the two can trade a component, Q̂ and L̂R̂ growing in opposite
/// directions by a few percent per step, until after ~190 steps a group's range no longer fits an
/// F16 scale. Once an iterate measures more than ``divergenceRatio`` times the best one, or an
/// iterate after the first cannot be quantized at all, nothing better follows: the alternation
/// stops and the best iterate so far is kept (the result never depends on the stop).
enum Alternation {
    /// An iterate this many times worse than the best one ends the alternation.
    static let divergenceRatio = 2.0

    /// True when `error` (this iterate's) shows the alternation running away from `best`.
    static func hasDiverged(error: Double, best: Double) -> Bool {
        !error.isFinite || error > divergenceRatio * best
    }
}
