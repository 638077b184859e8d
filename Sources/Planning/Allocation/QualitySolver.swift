/// The allocation for quality: with a ``MatrixLossModel``, the free matrices' choices that
/// minimise the model's predicted Δloss under a cost budget. The model combines each matrix's
/// increase (as if it alone were changed) through an additive cost and a monotone map back
/// (``MatrixLossModel/cost(ofIncrease:)``), so the least Σ cost is the least predicted Δloss; below,
/// "Δloss" of a state means its cost.
///
/// **Candidates.** Every state of each ``FreeLayer``: each rank from its floor at each allowed
/// factor bit width (CALDERA too, when the allocator has a backbone), the matrix quantized dense at
/// each allowed width below 16 bits (byte budgets), and dense. A state's Δloss is the model's
/// figure for its choice; where the model has none, the allocator's proxy error (weighted
/// εᵢ², ``AllocationObjective``) times a conversion c, fitted so the proxy and the model agree in
/// total over the modelled matrices (those with a figure for some state) at the cheapest state
/// each has a figure for (c = Σ Δloss / Σ proxy there; 1 when no matrix is modelled). Dense as stored has Δloss 0 unless the model says otherwise.
///
/// **Method.** Each matrix's candidates are reduced to their lower convex hull in (cost, Δloss)
/// (``LossHull``); every matrix starts at its cheapest point, and moves along the hulls are taken
/// by the most Δloss saved per cost unit while they fit. Until the first move that does not fit,
/// this greedy is the Lagrangian solution (a point of every hull for one exchange rate λ), hence
/// optimal among plans costing no more than it does. Then the budget left is filled: a matrix whose
/// next hull point does not fit is offered its best frontier point that does (a rank between two
/// hull points), and the moves still fitting are taken by rate (a knapsack fill, off the optimum by
/// less than one hull move per matrix).
struct QualitySolver {
    let layers: [FreeLayer]
    let hulls: [LossHull]
    /// The combined Δloss of a total cost (the loss model's rule; the identity for a proxy objective).
    private let increaseOfCost: @Sendable (Double) -> Double
    /// Per layer: the predicted Δloss of a state (model figure, or c × proxy).
    private let lossTables: [[Int: Double]]
    /// How many layers the model had a figure for.
    let modelledCount: Int
    /// The proxy-to-Δloss conversion c used for the others.
    let conversion: Double

    init(layers: [FreeLayer], lossModel: any MatrixLossModel) {
        self.init(layers: layers, increaseOfCost: { lossModel.increase(ofCost: $0) }) { layer, state in
            lossModel.lossIncrease(matrix: layer.name, choice: layer.choice(state)).map { lossModel.cost(ofIncrease: max(0, $0)) }
        }
    }

    /// The solver for a per-state additive `figure` (nil: none, the converted proxy stands in) whose
    /// total maps to Δloss by `increaseOfCost`.
    init(layers: [FreeLayer], increaseOfCost: @escaping @Sendable (Double) -> Double, figure: (FreeLayer, Int) -> Double?) {
        self.layers = layers
        self.increaseOfCost = increaseOfCost
        var figures: [[Int: Double]] = []  // the model's figures; a state it has none for is absent
        var modelledLoss = 0.0
        var modelledProxy = 0.0
        var modelled = 0
        for layer in layers {
            var table: [Int: Double] = [:]
            for state in layer.states {
                if let figure = figure(layer, state) { table[state] = figure }
            }
            // Modelled: a figure for some state; the conversion compares model and proxy at the cheapest of those.
            if let cheapest = table.keys.min(by: { (layer.cost($0), $0) < (layer.cost($1), $1) }), let figure = table[cheapest] {
                modelled += 1
                modelledLoss += figure
                modelledProxy += layer.error(cheapest)
            }
            figures.append(table)
        }
        let c = modelled > 0 && modelledProxy > 0 ? modelledLoss / modelledProxy : 1
        conversion = c
        modelledCount = modelled
        lossTables = zip(layers, figures).map { layer, table in
            Dictionary(uniqueKeysWithValues: layer.states.map { ($0, table[$0] ?? c * layer.error($0)) })
        }
        hulls = zip(layers, lossTables).map { layer, losses in
            LossHull(candidates: layer.states.map { LossHull.Point(state: $0, cost: layer.cost($0), loss: losses[$0] ?? 0) })
        }
    }

    /// The additive cost of `state` of layer `index`.
    func cost(layer index: Int, state: Int) -> Double { lossTables[index][state] ?? 0 }

    /// The model's predicted Δloss of a plan (one state per layer).
    func loss(of states: [Int]) -> Double {
        increaseOfCost(states.indices.reduce(0.0) { $0 + cost(layer: $1, state: states[$1]) })
    }

    /// The cost of the cheapest plan.
    var minimalCost: Int { hulls.reduce(0) { $0 + $1.frontier[0].cost } }

    /// The plan within `budget` cost units: one state per layer, the exchange rate λ (Δloss per
    /// cost unit) of the last hull move taken before one did not fit, and the moves taken after that.
    func allocate(costBudget budget: Int) -> (states: [Int], multiplier: Double, fillMoves: Int) {
        var position = hulls.map { _ in 0 }  // frontier indices
        var remaining = budget - minimalCost
        var heap = MoveHeap()
        func push(_ index: Int, to target: Int?) {
            guard let target else { return }
            let hull = hulls[index], here = hull.frontier[position[index]], there = hull.frontier[target]
            heap.push(Move(layer: index, state: target, gain: here.loss - there.loss, cost: there.cost - here.cost))
        }
        for index in hulls.indices { push(index, to: hulls[index].nextHullPoint(after: 0)) }
        var multiplier = 0.0
        var skipped = false
        var fillMoves = 0
        while let move = heap.pop() {
            guard move.cost <= remaining else {
                // The next hull point does not fit: offer the best frontier point that does.
                if !skipped { multiplier = move.ratio }
                skipped = true
                push(move.layer, to: hulls[move.layer].bestFittingPoint(after: position[move.layer], remaining: remaining))
                continue
            }
            remaining -= move.cost
            position[move.layer] = move.state
            if skipped { fillMoves += 1 }
            push(move.layer, to: hulls[move.layer].nextHullPoint(after: move.state))
        }
        return (position.indices.map { hulls[$0].frontier[position[$0]].state }, multiplier, fillMoves)
    }
}
