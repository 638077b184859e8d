/// One free matrix's candidates as points (cost, predicted Δloss): the Pareto frontier (cost
/// ascending, Δloss strictly descending) and, on it, the lower convex hull the quality allocator
/// walks first (the Δloss saved per extra cost falls from one hull point to the next). A point
/// above the hull is never the best at any exchange rate λ between loss and cost; it is offered
/// only to fill a budget the next hull point does not fit (``QualitySolver``).
struct LossHull {
    /// A candidate: a ``FreeLayer`` state, its cost and its predicted Δloss.
    struct Point: Equatable {
        let state: Int
        let cost: Int
        let loss: Double
    }

    /// The Pareto frontier, cheapest first.
    let frontier: [Point]
    /// Indices into ``frontier`` of the lower convex hull's points, cheapest first (the first is 0).
    let hull: [Int]

    /// The frontier and hull of `candidates` (any order, at least one).
    init(candidates: [Point]) {
        // Cheapest first; at equal cost the least loss; then keep only points that lower the loss.
        let sorted = candidates.sorted { ($0.cost, $0.loss) < ($1.cost, $1.loss) }
        var frontier: [Point] = []
        for point in sorted where frontier.last.map({ point.loss < $0.loss && point.cost > $0.cost }) ?? true {
            frontier.append(point)
        }
        // Lower convex hull: drop a middle point on or above the segment joining its neighbours.
        var hull: [Int] = []
        for (index, point) in frontier.enumerated() {
            while hull.count >= 2 {
                let a = frontier[hull[hull.count - 2]], b = frontier[hull[hull.count - 1]]
                // b is on or above a→point when slope(a, b) ≥ slope(a, point), cross-multiplied (costs rise).
                if (b.loss - a.loss) * Double(point.cost - a.cost) >= (point.loss - a.loss) * Double(b.cost - a.cost) {
                    hull.removeLast()
                } else {
                    break
                }
            }
            hull.append(index)
        }
        self.frontier = frontier
        self.hull = hull
    }

    /// From frontier point `index`: the next hull point (the first costing more), nil past the last.
    func nextHullPoint(after index: Int) -> Int? {
        hull.first { frontier[$0].cost > frontier[index].cost }
    }

    /// From frontier point `index` with `remaining` cost units to spend: the frontier point saving the
    /// most Δloss per extra cost among those that fit (at equal rates the larger step), nil when none does.
    func bestFittingPoint(after index: Int, remaining: Int) -> Int? {
        let here = frontier[index]
        var best: Int?
        var bestRatio = 0.0
        for candidate in frontier.indices.dropFirst(index + 1) {
            let point = frontier[candidate]
            let extra = point.cost - here.cost
            guard extra <= remaining else { break }
            let ratio = (here.loss - point.loss) / Double(extra)
            if best == nil || ratio >= bestRatio {
                best = candidate
                bestRatio = ratio
            }
        }
        return best
    }
}
