/// One matrix whose rank the allocator chooses. A state is a rank in floor…maxRank, or ``dense``.
struct FreeLayer {
    static let dense = -1

    let name: String
    let rows: Int
    let columns: Int
    let floor: Int
    /// The largest rank costing less than dense (−1 when even rank 0 does not).
    let maxRank: Int
    let singularValues: [Double]
    let tailEnergy: [Double]
    let energy: Double
    let alpha: Double
    let noise: Double
    /// α − c_f: the error one unit of σ² removes.
    let weight: Double
    /// The cost of one more rank, in cost units.
    let perRank: Double
    let denseCost: Int
    let measure: BudgetAllocator.Measure
    let factorBits: Int
    let groupSize: Int
    let backboneBits: Int?
    let backboneCost: Int

    init(tensor: PlannedTensor, floor: Int, measure: BudgetAllocator.Measure, allocator: BudgetAllocator) throws {
        guard let (m, n) = tensor.matrixShape else { throw PlanError.notAMatrix(tensor: tensor.name) }
        guard let spectrum = tensor.spectrum else { throw PlanError.spectrumMissing(tensor: tensor.name) }
        try LayerChoice.lowRank(rank: floor, factorBits: allocator.factorBits, groupSize: allocator.groupSize,
                                backboneBits: allocator.backboneBits).validate(tensor: tensor.name, rows: m, columns: n)
        name = tensor.name
        rows = m
        columns = n
        self.floor = floor
        self.measure = measure
        factorBits = allocator.factorBits
        groupSize = allocator.groupSize
        backboneBits = allocator.backboneBits
        singularValues = spectrum.singularValues
        tailEnergy = spectrum.tailEnergy
        energy = spectrum.tailEnergy[0]
        let model = LayerEstimate.errorModel(rows: m, columns: n, factorBits: factorBits, groupSize: groupSize, backboneBits: backboneBits)
        alpha = model.residual
        noise = model.noise
        weight = model.residual - model.noise
        switch measure {
        case .parameters:
            perRank = Double(m + n)
            denseCost = m * n
            backboneCost = allocator.backboneBits == nil ? 0 : m * n
        case .bytes:
            perRank = Double(GroupQuantization.bitsPerRank(rows: m, columns: n, bits: factorBits, groupSize: groupSize)) / 8
            denseCost = tensor.storedBytes
            let group = allocator.groupSize
            backboneCost = allocator.backboneBits.map { GroupQuantization.denseBytes(rows: m, columns: n, bits: $0, groupSize: group) } ?? 0
        }
        // Largest k ≤ s with cost(k) < dense (cost rises with k).
        var low = -1
        var high = min(m, n)
        while low < high {
            let middle = (low + high + 1) / 2
            if FreeLayer.cost(rank: middle, rows: m, columns: n, measure: measure, bits: factorBits,
                              groupSize: groupSize, backboneCost: backboneCost) < denseCost {
                low = middle
            } else {
                high = middle - 1
            }
        }
        maxRank = low
    }

    static func cost(rank k: Int, rows m: Int, columns n: Int, measure: BudgetAllocator.Measure, bits: Int,
                     groupSize: Int, backboneCost: Int) -> Int {
        switch measure {
        case .parameters: return k * (m + n) + backboneCost
        case .bytes: return GroupQuantization.factorBytes(rows: m, columns: n, rank: k, bits: bits, groupSize: groupSize) + backboneCost
        }
    }

    func cost(_ state: Int) -> Int {
        state == FreeLayer.dense ? denseCost
            : FreeLayer.cost(rank: state, rows: rows, columns: columns, measure: measure, bits: factorBits,
                             groupSize: groupSize, backboneCost: backboneCost)
    }

    func error(_ state: Int) -> Double {
        if state == FreeLayer.dense { return 0 }
        let tail = tailEnergy[state]
        return alpha * tail + noise * (energy - tail)
    }

    /// The gain of rank k (1-based) over rank k − 1.
    func gain(rank k: Int) -> Double {
        weight * singularValues[k - 1] * singularValues[k - 1]
    }

    /// The state minimising ε² + λ·cost.
    func best(at lambda: Double) -> Int {
        var bestState = FreeLayer.dense
        var bestValue = lambda * Double(denseCost)
        if maxRank >= floor {
            var low = floor
            var high = maxRank
            let threshold = lambda * perRank
            while low < high {
                let middle = (low + high + 1) / 2
                if gain(rank: middle) > threshold { low = middle } else { high = middle - 1 }
            }
            let value = error(low) + lambda * Double(cost(low))
            if value <= bestValue || lambda.isInfinite {
                bestState = low
                bestValue = value
            }
        }
        return bestState
    }

    /// The cheapest state: the floor, or dense when the floor is past break-even.
    var minimalState: Int { maxRank >= floor ? floor : FreeLayer.dense }

    func choice(_ state: Int) -> LayerChoice {
        state == FreeLayer.dense ? .keep
            : .lowRank(rank: state, factorBits: factorBits, groupSize: groupSize, backboneBits: backboneBits)
    }

    /// The next greedy move from `state`: (next state, gain, extra cost), nil when there is none worth making.
    func nextMove(from state: Int) -> (state: Int, gain: Double, cost: Int)? {
        guard state != FreeLayer.dense else { return nil }
        let next = state < maxRank ? state + 1 : FreeLayer.dense
        let gain = error(state) - error(next)
        let extra = cost(next) - cost(state)
        guard gain > 0, extra > 0 else { return nil }
        return (next, gain, extra)
    }
}

extension FreeLayer {
    /// The cheaper neighbour of `state`: (state, error added, cost saved), nil at the cheapest state.
    func previousMove(from state: Int) -> (state: Int, loss: Double, saving: Int)? {
        let previous: Int
        if state == FreeLayer.dense {
            guard maxRank >= floor else { return nil }
            previous = maxRank
        } else {
            guard state > floor else { return nil }
            previous = state - 1
        }
        let saving = cost(state) - cost(previous)
        guard saving > 0 else { return nil }
        return (previous, max(0, error(previous) - error(state)), saving)
    }
}
