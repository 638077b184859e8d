/// The Lagrangian search over a set of free layers.
struct AllocationSolver {
    let layers: [FreeLayer]

    func plan(at lambda: Double) -> [Int] { layers.map { $0.best(at: lambda) } }
    func minimalPlan() -> [Int] { layers.map(\.minimalState) }
    func cost(of state: [Int]) -> Int { zip(layers, state).reduce(0) { $0 + $1.0.cost($1.1) } }
    func error(of state: [Int]) -> Double { zip(layers, state).reduce(0) { $0 + $1.0.error($1.1) } }

    /// A λ above every gain-per-cost ratio, where every layer sits at its cheapest state.
    private func ceilingMultiplier() -> Double {
        let ratio = layers.reduce(0.0) { max($0, $1.ceilingRatio) }
        return max(ratio * 4, Double.leastNormalMagnitude * 1e20)
    }

    /// The Lagrangian plan with the smallest λ whose cost fits.
    func bestWithin(costBudget budget: Int) -> ([Int], Double) {
        let free = plan(at: 0)
        if cost(of: free) <= budget { return (free, 0) }
        var high = ceilingMultiplier()
        var highPlan = plan(at: high)
        while cost(of: highPlan) > budget, high < .greatestFiniteMagnitude / 4 {
            high *= 4
            highPlan = plan(at: high)
        }
        if cost(of: highPlan) > budget { return (minimalPlan(), .infinity) }
        var low = high * 1e-300
        let lowPlan = plan(at: low)
        if cost(of: lowPlan) <= budget { return (lowPlan, low) }
        for _ in 0..<200 where high > low * (1 + 1e-15) {
            let middle = (low * high).squareRoot()
            let candidate = plan(at: middle)
            if cost(of: candidate) <= budget {
                high = middle
                highPlan = candidate
            } else {
                low = middle
            }
        }
        return (highPlan, high)
    }

    /// The Lagrangian plan with the largest λ whose error meets the budget, and the plan just
    /// above that λ (cheaper, error over the budget; the same plan when none is cheaper).
    func cheapestMeeting(errorBudget budget: Double) -> (feasible: [Int], infeasible: [Int], multiplier: Double) {
        let tolerance = budget * 1e-12
        let cheapest = minimalPlan()
        if error(of: cheapest) <= budget + tolerance { return (cheapest, cheapest, .infinity) }
        var high = ceilingMultiplier()
        var highPlan = plan(at: high)
        var low = high * 1e-300
        var lowPlan = plan(at: low)
        if error(of: lowPlan) > budget + tolerance {
            let free = plan(at: 0)
            return (free, lowPlan, 0)
        }
        for _ in 0..<200 where high > low * (1 + 1e-15) {
            let middle = (low * high).squareRoot()
            let candidate = plan(at: middle)
            if error(of: candidate) <= budget + tolerance {
                low = middle
                lowPlan = candidate
            } else {
                high = middle
                highPlan = candidate
            }
        }
        return (lowPlan, highPlan, low)
    }

    /// Adds the best gain-per-cost moves until the error is within the budget; returns how many.
    func fill(_ state: inout [Int], untilErrorWithin budget: Double) -> Int {
        var excess = error(of: state) - budget * (1 + 1e-12)
        var heap = MoveHeap()
        for (index, layer) in layers.enumerated() {
            if let move = layer.nextMove(from: state[index]) {
                heap.push(Move(layer: index, state: move.state, gain: move.gain, cost: move.cost))
            }
        }
        var moves = 0
        while excess > 0, let move = heap.pop() {
            state[move.layer] = move.state
            excess -= move.gain
            moves += 1
            if let next = layers[move.layer].nextMove(from: move.state) {
                heap.push(Move(layer: move.layer, state: next.state, gain: next.gain, cost: next.cost))
            }
        }
        return moves
    }

    /// Gives back the moves that cost most per unit of error while the error stays within the
    /// budget; returns how many it undid.
    func trim(_ state: inout [Int], errorBudget budget: Double) -> Int {
        var slack = budget * (1 + 1e-12) - error(of: state)
        var heap = MoveHeap()
        func push(_ index: Int) {
            if let move = layers[index].previousMove(from: state[index]), move.loss <= slack {
                heap.push(Move(layer: index, state: move.state, gain: -move.loss, cost: move.saving))
            }
        }
        for index in layers.indices { push(index) }
        var moves = 0
        while let move = heap.pop() {
            guard -move.gain <= slack else { continue }
            state[move.layer] = move.state
            slack += move.gain
            moves += 1
            push(move.layer)
        }
        return moves
    }

    /// Spends what is left of the budget on the best gain per cost moves; returns how many it made.
    func fill(_ state: inout [Int], costBudget budget: Int) -> Int {
        var remaining = budget - cost(of: state)
        var heap = MoveHeap()
        for (index, layer) in layers.enumerated() {
            if let move = layer.nextMove(from: state[index]), move.cost <= remaining {
                heap.push(Move(layer: index, state: move.state, gain: move.gain, cost: move.cost))
            }
        }
        var moves = 0
        while let move = heap.pop() {
            guard move.cost <= remaining else { continue }
            state[move.layer] = move.state
            remaining -= move.cost
            moves += 1
            if let next = layers[move.layer].nextMove(from: move.state), next.cost <= remaining {
                heap.push(Move(layer: move.layer, state: next.state, gain: next.gain, cost: next.cost))
            }
        }
        return moves
    }
}
