/// Chooses per-matrix ranks that meet one global ``BudgetTarget`` with the least combined error
/// (or, for an error target, the fewest bytes), honouring locks, floors and exclusions.
///
/// **Rule.** Under a size target the allocator minimises Σ wᵢ·εᵢ², the weights wᵢ set by
/// ``objective`` (``AllocationObjective``; by default each matrix's error relative to its own
/// norm, so a layer's norm does not decide its fate), and no free matrix goes below
/// ``minimumRank`` (by default half its rank in the uniform plan at the same target, never 0).
/// Below, εᵢ² stands for wᵢ·εᵢ²: the weight scales a matrix's gains and leaves the method as it is.
///
/// **Problem.** Each free matrix i picks a rank kᵢ ≥ floorᵢ, or stays dense (as stored). Its
/// squared error is the ``LayerEstimate`` model εᵢ²(k) = α·tail(k) + ν·(E − tail(k)) (ν = c_f, or c_Q·c_f for CALDERA), so
/// going from rank k−1 to k gains wᵢ·σ_k² with wᵢ = α − ν; gains shrink with k (σ sorted), so
/// the error is convex in k. The cost of a rank is constant: m+n parameters, or
/// ((m+n)·b + 32·(⌈m/g⌉+⌈n/g⌉))/8 bytes (``GroupQuantization`` groups each rank-one component
/// separately for exactly this reason; bytes round per tensor, which moves a cost by at most a
/// byte). Minimising Σεᵢ² under Σcostᵢ ≤ B is a separable convex problem.
///
/// **Method: Lagrangian water-filling.** For a multiplier λ every matrix independently takes
/// the option minimising εᵢ² + λ·costᵢ: the largest k with w·σ_k² > λ·(cost of one rank), found by
/// binary search over its sorted spectrum, or dense if that is cheaper in εᵢ² + λ·costᵢ (this is
/// the break-even rule: ranks whose cost reaches the dense size are never offered, and a layer
/// whose error-plus-cost is lower dense goes dense). Total cost falls as λ rises; λ is bisected
/// (on log λ) to the smallest value whose plan fits the budget. Such a plan is optimal among all
/// plans costing no more than it does (for any plan y: ε(y) + λ·c(y) ≥ ε(x) + λ·c(x), and
/// c(y) ≤ c(x) gives ε(y) ≥ ε(x)). The budget left below B (less than the cost of the moves tied
/// at λ) is then filled greedily by best gain per cost from a max-heap; ``Allocation/fillMoves``
/// says how many moves that took. (Filling it optimally is a knapsack problem; the gap is at most
/// the gain of one move per matrix.) For an error target, λ is bisected to the largest value whose
/// plan meets the error, which is the cheapest Lagrangian plan that does; then the moves with the
/// least error per byte are given back greedily while the error stays within the target (and,
/// from the cheaper plan just above λ, the best moves are added until it fits, keeping the cheaper).
/// Finally, the discrete problem can leave the uniform plan ahead by a rank or two at a few
/// budgets; the allocator then returns the uniform plan (``Allocation/isUniform``), so it is never worse.
///
/// Cost: O(L·log s) per λ and ~100 bisection steps, for L matrices of full rank s; a
/// 560-matrix 70B-shaped model takes milliseconds. Bit widths are given (``factorBits``), or chosen
/// per matrix among ``allowedFactorBits``: the Lagrangian step then minimises over (rank, bits).
/// Free matrices whose spectrum is unknown are kept as stored and listed in ``Allocation/withoutSpectrum``.
public struct BudgetAllocator: Sendable {
    /// Bits of the factors of every free matrix (16, 8, 4, 3, 2).
    public var factorBits: Int
    /// Quantization group size.
    public var groupSize: Int
    /// CALDERA backbone bits (2, 3, 4), or nil for plain factors.
    public var backboneBits: Int?
    /// The codebook of those backbones (``PlanDefaults/backboneCodebook``).
    public var backboneCodebook: BackboneCodebook = .scalar
    /// Factor bit widths the allocator may choose among, by matrix name, where the user allows it;
    /// a free matrix not named here uses ``factorBits``. Each such matrix takes, at the water level
    /// λ, the (rank, bits) minimising ε² + λ·cost over all allowed widths (or dense); the greedy
    /// fill then only steps ranks. The uniform plan keeps ``factorBits``.
    public var allowedFactorBits: [String: Set<Int>] = [:]
    /// How the per-matrix errors combine under a size target (``AllocationObjective``).
    public var objective: AllocationObjective = .standard
    /// The least rank of every free matrix (on top of each constraint's floor).
    public var minimumRank: MinimumRank = .standard

    /// An allocator producing `.lowRank(rank:factorBits:groupSize:backboneBits:)` for free matrices.
    public init(factorBits: Int = 16, groupSize: Int = LayerChoice.defaultGroupSize, backboneBits: Int? = nil) {
        self.factorBits = factorBits
        self.groupSize = groupSize
        self.backboneBits = backboneBits
    }

    /// The largest budget the solver works with: larger ones change nothing (no model costs
    /// that much) and are capped, so adding costs to it cannot overflow.
    static let budgetCap = Int.max / 4

    /// The bytes `bits` bits per weight allow for `parameters` weights, rounded down and capped
    /// at ``budgetCap`` instead of trapping when the product does not fit an `Int`.
    static func bytes(bitsPerWeight bits: Double, parameters: Int) -> Int {
        let bytes = (bits * Double(parameters) / 8).rounded(.down)
        return bytes < Double(budgetCap) ? Int(bytes) : budgetCap
    }

    /// Allocates ranks over `tensors` (the whole model). Compressible matrices without an entry in
    /// `constraints` are free with floor 0; non-compressible tensors are kept as stored. Every free
    /// matrix's floor is raised to ``minimumRank`` (computed from the uniform plan at the same target
    /// for `50%u` and `auto`), and the errors combine by ``objective`` (``AllocationObjective/squaredError``
    /// for an error target).
    ///
    /// With a `lossModel` (a sensitivity profile's prediction), a size target is allocated for
    /// quality instead: the least sum of predicted Δloss (``QualitySolver``), the proxy standing in
    /// for matrices the model has no figure for; an error target, stated in weight error, is refused.
    public func allocate(tensors: [PlannedTensor], target: BudgetTarget,
                         constraints: [String: LayerConstraint] = [:], lossModel: (any MatrixLossModel)? = nil) throws -> Allocation {
        if case .parameterShare = target {
            return try allocate(tensors: tensors, target: target.resolved(for: tensors), constraints: constraints, lossModel: lossModel)
        }
        if case .relativeError = target, lossModel != nil {
            throw PlanError.invalidTarget("an error target is a relative weight error; allocating for a predicted loss needs a size target (parameters, bytes or bits per weight)")
        }
        let measure: Measure
        var isErrorTarget = false
        switch target {
        case .parameters(let count):
            guard count >= 0 else { throw PlanError.invalidTarget("a parameter count cannot be negative") }
            measure = .parameters
        case .parameterShare:
            measure = .parameters  // resolved above
        case .bytes(let count):
            guard count >= 0 else { throw PlanError.invalidTarget("a byte count cannot be negative") }
            measure = .bytes
        case .bitsPerWeight(let bits):
            guard bits >= 0, bits.isFinite else { throw PlanError.invalidTarget("bits per weight must be a non-negative number") }
            measure = .bytes
        case .relativeError(let error):
            guard error >= 0, error <= 1 else { throw PlanError.invalidTarget("a relative error must lie in 0…1") }
            measure = .bytes
            isErrorTarget = true
        }
        // An error target is stated in the model's relative error: its solver works in absolute ε².
        let objective = isErrorTarget ? AllocationObjective.squaredError : self.objective
        let proxy = ObjectiveProxy(objective: objective, tensors: tensors)

        // Split the model into fixed tensors and free matrices.
        var fixedChoices: [String: LayerChoice] = [:]
        var fixedCost = 0
        var fixedError = 0.0
        var totalNorm = 0.0
        var totalParameters = 0
        var free: [(tensor: PlannedTensor, floor: Int, bits: [Int])] = []
        var withoutSpectrum: [String] = []
        for tensor in tensors {
            totalParameters += tensor.elementCount
            if let norm = tensor.squaredNorm { totalNorm += norm }
            let constraint = tensor.isCompressible ? (constraints[tensor.name] ?? .free(floor: 0)) : .excluded
            switch constraint {
            case .free where tensor.spectrum == nil:
                // Nothing to weigh its ranks by yet: kept as stored, and reported.
                fixedChoices[tensor.name] = .keep
                withoutSpectrum.append(tensor.name)
            case .free(let floor):
                let allowed = allowedFactorBits[tensor.name].map { [factorBits] + $0.subtracting([factorBits]).sorted(by: >) } ?? [factorBits]
                free.append((tensor, floor, allowed))
                continue
            case .locked(let choice):
                fixedChoices[tensor.name] = choice
            case .excluded:
                if tensor.isCompressible { fixedChoices[tensor.name] = .keep }
            }
            let estimate = try LayerEstimate(tensor: tensor, choice: fixedChoices[tensor.name] ?? .keep)
            fixedCost += measure == .parameters ? estimate.parametersAfter : estimate.bytesAfter
            fixedError += estimate.squaredError ?? 0
        }
        func freeLayers(floors: [Int]) throws -> [FreeLayer] {
            try zip(free, floors).map { entry, floor in
                try FreeLayer(tensor: entry.tensor, floor: floor, measure: measure, allocator: self, bits: entry.bits,
                              errorWeight: isErrorTarget ? 1 : proxy.weight(of: entry.tensor.name))
            }
        }
        let meets: (PlanFigures) -> Bool = { figures in
            switch target {
            case .parameters(let count): return figures.parametersAfter <= count
            case .parameterShare: return false  // resolved above
            case .bytes(let count): return figures.bytesAfter <= count
            case .bitsPerWeight(let bits): return figures.bytesAfter <= BudgetAllocator.bytes(bitsPerWeight: bits, parameters: totalParameters)
            case .relativeError(let error): return figures.squaredError <= error * error * figures.squaredNorm * (1 + 1e-12)
            }
        }
        // The minimum rank raises the user's floors (from the uniform plan at the same target for `50%u` and `auto`).
        let userFloors = free.map(\.floor)
        var layers = try freeLayers(floors: userFloors)
        let uniformFraction = minimumRank.needsUniformFraction
            ? try uniformPlan(tensors: tensors, layers: layers, fixedChoices: fixedChoices, target: target, meets: meets)?.fraction
            : nil
        // What a size target leaves the free matrices, as a share of their dense size (how deep the cut is).
        let costBudget: Int?
        switch target {
        case .parameters(let count): costBudget = count - fixedCost
        case .bytes(let count): costBudget = count - fixedCost
        case .bitsPerWeight(let bits): costBudget = BudgetAllocator.bytes(bitsPerWeight: bits, parameters: totalParameters) - fixedCost
        default: costBudget = nil
        }
        let denseCost = layers.reduce(0) { $0 + $1.denseCost }
        // `auto` rises towards the uniform rank only for a parameter target (where it was measured; bytes
        // mix the cut with the bit widths) and without a loss model (a profile knows which matrices matter).
        let budgetShare = lossModel != nil || measure != .parameters ? nil : costBudget.map { Double($0) / Double(max(denseCost, 1)) }
        let floors = try zip(free, userFloors).map { entry, floor -> Int in
            guard let (m, n) = entry.tensor.matrixShape else { return floor }
            let uniformRank = try uniformFraction.map { try RankRule.fraction($0).rank(tensor: entry.tensor.name, rows: m, columns: n, spectrum: nil) }
            return max(floor, minimumRank.floor(rows: m, columns: n, uniformRank: uniformRank, budgetShare: budgetShare))
        }
        if floors != userFloors { layers = try freeLayers(floors: floors) }

        let solver = AllocationSolver(layers: layers)
        let quality = lossModel.map { QualitySolver(layers: layers, lossModel: $0) }
        var state: [Int]
        var multiplier: Double
        var fillMoves = 0
        switch target {
        case .relativeError(let error):
            let budget = error * error * totalNorm - fixedError
            let best = solver.plan(at: 0)
            guard budget >= 0, solver.error(of: best) <= budget * (1 + 1e-12) else {
                let reachable = ((fixedError + max(0, solver.error(of: best))) / max(totalNorm, .leastNormalMagnitude)).squareRoot()
                throw PlanError.targetUnreachable(target: target.description, bestAchievable: "relative error \(reachable)")
            }
            let lagrangian = solver.cheapestMeeting(errorBudget: budget)
            // From the feasible side: give back moves. From the cheaper infeasible side: add the best
            // moves until the error fits, then give back. Keep the cheaper.
            var fromAbove = lagrangian.feasible
            var movesAbove = solver.trim(&fromAbove, errorBudget: budget)
            var fromBelow = lagrangian.infeasible
            var movesBelow = solver.fill(&fromBelow, untilErrorWithin: budget)
            movesBelow += solver.trim(&fromBelow, errorBudget: budget)
            if solver.error(of: fromBelow) <= budget * (1 + 1e-12), solver.cost(of: fromBelow) < solver.cost(of: fromAbove) {
                fromAbove = fromBelow
                movesAbove = movesBelow
            }
            state = fromAbove
            fillMoves = movesAbove
            multiplier = lagrangian.multiplier
        default:
            var budget = costBudget ?? 0
            // A budget beyond anything the model can cost is the same as that bound; capping it
            // keeps the solver's sums far from overflow (a 3e12 bits target used to trap).
            budget = min(budget, BudgetAllocator.budgetCap)
            let cheapest = solver.minimalPlan()
            guard solver.cost(of: cheapest) <= budget else {
                let best = fixedCost + solver.cost(of: cheapest)
                throw PlanError.targetUnreachable(target: target.description + (floors != userFloors ? " with minimum rank \(minimumRank)" : ""),
                                                  bestAchievable: measure == .parameters ? "\(best) parameters" : ByteCountFormatting.described(best))
            }
            if let quality {
                (state, multiplier, fillMoves) = quality.allocate(costBudget: budget)
            } else {
                (state, multiplier) = solver.bestWithin(costBudget: budget)
                fillMoves = solver.fill(&state, costBudget: budget)
            }
        }

        var choices = fixedChoices
        for (index, layer) in layers.enumerated() { choices[layer.name] = layer.choice(state[index]) }
        let totals = try PlanTotals(tensors: tensors, choices: choices)
        let uniform = try uniformPlan(tensors: tensors, layers: layers, fixedChoices: fixedChoices, target: target, meets: meets)
        let proxyError = proxy.value(of: totals)
        let uniformProxyError = uniform.map { proxy.value(of: $0.totals) }
        // With a loss model, the predicted Δloss of both plans (the uniform plan's choices are states of the same layers).
        let predicted = quality.map { $0.loss(of: state) }
        let uniformPredicted = quality.flatMap { quality in
            uniform.map { uniform in
                quality.loss(of: layers.map { layer in layer.states.first { layer.choice($0) == uniform.choices[layer.name] } ?? FreeLayer.dense })
            }
        }
        var prediction: Allocation.Prediction?
        if let lossModel, let quality, let predicted {
            prediction = Allocation.Prediction(lossDescription: lossModel.lossDescription, lossIncrease: predicted,
                                               uniformLossIncrease: uniformPredicted, modelledMatrices: quality.modelledCount,
                                               freeMatrices: layers.count)
        }
        let common = Allocation.Common(target: target, objective: objective, minimumRank: minimumRank, multiplier: multiplier,
                                       fillMoves: fillMoves, withoutSpectrum: withoutSpectrum, uniform: uniform,
                                       uniformProxyError: uniformProxyError)
        // The discrete problem can leave a uniform plan ahead by a rank or two; never return worse than it.
        if let uniform, let uniformProxyError {
            let better: Bool
            if isErrorTarget {
                better = uniform.totals.model.bytesAfter < totals.model.bytesAfter
            } else if let predicted, let uniformPredicted {
                better = uniformPredicted < predicted
            } else if minimumRank == .deepening, let budgetShare, MinimumRank.deepeningShare(budgetShare: budgetShare) >= 1 {
                better = true  // `auto` at a cut this deep is the uniform plan (its floors already are).
            } else {
                better = uniformProxyError < proxyError
            }
            if better {
                return Allocation(common, choices: uniform.choices, totals: uniform.totals, proxyError: uniformProxyError,
                                  prediction: prediction.map { $0.asUniform() }, isUniform: true)
            }
        }
        return Allocation(common, choices: choices, totals: totals, proxyError: proxyError, prediction: prediction, isUniform: false)
    }

    /// The uniform plan: bisects the rank fraction f (largest meeting a size target, smallest meeting an error target).
    private func uniformPlan(tensors: [PlannedTensor], layers: [FreeLayer], fixedChoices: [String: LayerChoice],
                             target: BudgetTarget, meets: (PlanFigures) -> Bool) throws -> Allocation.Uniform? {
        func plan(_ fraction: Double) throws -> Allocation.Uniform {
            var choices = fixedChoices
            for layer in layers {
                let k = max(layer.floor, try RankRule.fraction(fraction).rank(tensor: layer.name, rows: layer.rows,
                                                                               columns: layer.columns, spectrum: nil))
                choices[layer.name] = layer.choice(k <= layer.maxRank ? k : FreeLayer.dense)
            }
            return Allocation.Uniform(fraction: fraction, choices: choices, totals: try PlanTotals(tensors: tensors, choices: choices))
        }
        let isErrorTarget: Bool
        if case .relativeError = target { isErrorTarget = true } else { isErrorTarget = false }
        // Size targets: cost rises with f, keep the largest f that meets. Error target: error falls with f, keep the smallest.
        var good = isErrorTarget ? 1.0 : 0.0
        var bad = isErrorTarget ? 0.0 : 1.0
        var best = try plan(good)
        guard meets(best.totals.model) else { return nil }
        let extreme = try plan(bad)
        if meets(extreme.totals.model) { return extreme }
        for _ in 0..<40 {
            let middle = (good + bad) / 2
            let candidate = try plan(middle)
            if meets(candidate.totals.model) {
                good = middle
                best = candidate
            } else {
                bad = middle
            }
        }
        return best
    }

    /// What a budget counts.
    enum Measure { case parameters, bytes }
}
