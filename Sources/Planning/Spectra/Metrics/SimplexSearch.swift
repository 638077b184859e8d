/// The downhill-simplex (Nelder–Mead) minimiser of one variable, step for step as SciPy's
/// `scipy.optimize.fmin` with its defaults (reflection 1, expansion 2, contraction ½, shrink ½,
/// first vertex x₀·1.05 or 0.00025 when x₀ = 0, xtol = ftol = 1e−4, at most 200 iterations and
/// 200 evaluations), so that a fit WeightWatcher finishes with `fmin` lands on the same point.
public struct SimplexSearch {
    /// Absolute tolerance on the simplex's width.
    public var xTolerance = 1e-4
    /// Absolute tolerance on the spread of its function values.
    public var fTolerance = 1e-4
    /// The most iterations and the most evaluations (SciPy: 200 × the dimension).
    public var maximumSteps = 200

    /// The default search.
    public init() {}

    /// The point found from `start` and its function value.
    public func minimise(from start: Double, _ function: (Double) -> Double) -> (x: Double, value: Double) {
        var evaluations = 0
        func evaluate(_ x: Double) -> Double? {
            guard evaluations < maximumSteps else { return nil }
            evaluations += 1
            return function(x)
        }
        var points = [start, start != 0 ? 1.05 * start : 0.00025]
        var values = [evaluate(points[0]) ?? .infinity, evaluate(points[1]) ?? .infinity]
        func order() {
            if values[1] < values[0] { points.swapAt(0, 1); values.swapAt(0, 1) }
        }
        order()
        var iterations = 1
        search: while evaluations < maximumSteps && iterations < maximumSteps {
            if abs(points[1] - points[0]) <= xTolerance && abs(values[0] - values[1]) <= fTolerance { break }
            let centre = points[0]
            guard let reflectedValue = evaluate(2 * centre - points[1]) else { break }
            let reflected = 2 * centre - points[1]
            var shrink = false
            if reflectedValue < values[0] {
                let expanded = 3 * centre - 2 * points[1]
                guard let expandedValue = evaluate(expanded) else { break search }
                if expandedValue < reflectedValue {
                    (points[1], values[1]) = (expanded, expandedValue)
                } else {
                    (points[1], values[1]) = (reflected, reflectedValue)
                }
            } else if reflectedValue < values[1] {
                // (SciPy's "accept the reflection when below the second-worst value" cannot happen
                // with two vertices: the second-worst is the best, which the reflection did not beat.)
                let contracted = 1.5 * centre - 0.5 * points[1]
                guard let contractedValue = evaluate(contracted) else { break search }
                if contractedValue <= reflectedValue {
                    (points[1], values[1]) = (contracted, contractedValue)
                } else {
                    shrink = true
                }
            } else {
                let contracted = 0.5 * centre + 0.5 * points[1]
                guard let contractedValue = evaluate(contracted) else { break search }
                if contractedValue < values[1] {
                    (points[1], values[1]) = (contracted, contractedValue)
                } else {
                    shrink = true
                }
            }
            if shrink {
                points[1] = points[0] + 0.5 * (points[1] - points[0])
                guard let shrunkValue = evaluate(points[1]) else { break search }
                values[1] = shrunkValue
            }
            iterations += 1
            order()
        }
        order()
        return (points[0], min(values[0], values[1]))
    }
}
