/// One matrix whose rank (and, where allowed, factor bit width) the allocator chooses.
///
/// It holds one ``RankChain`` per allowed bit width, the allocator's default first. A state is
/// ``dense``, or `chain·stride + rank` with stride = min(m, n) + 1, so with one bit width the
/// state is the rank itself. At a multiplier λ the layer takes its best (rank, bits) over all
/// chains, or dense; greedy moves step the rank within the current chain.
///
/// Under a byte budget, the matrix quantized dense at each allowed width below 16 bits is a
/// candidate of its own (states −2, −3, …, see ``quantizedDense``): the allocator weighs it like any
/// rank, and its one greedy move is up to ``dense``.
struct FreeLayer {
    static let dense = -1

    /// One quantized dense candidate: the choice, its cost and its error c(b, n)·E.
    struct QuantizedDense {
        let choice: LayerChoice
        let cost: Int
        let error: Double
    }

    let name: String
    let rows: Int
    let columns: Int
    let floor: Int
    let chains: [RankChain]
    let stride: Int
    let denseCost: Int
    /// What the dense state writes (``BreakEven/denseChoice(for:groupSize:)``).
    let denseChoice: LayerChoice
    /// The quantized dense candidates (byte budgets only, each cheaper than ``dense``); state −2 − i is the i-th.
    let quantizedDense: [QuantizedDense]

    /// The objective's weight of this matrix's squared error: every error below is εᵢ²·wᵢ.
    let errorWeight: Double

    /// `bits`: the factor bit widths allowed, the allocator's own first; `errorWeight`: the
    /// objective's weight wᵢ (``AllocationObjective``).
    init(tensor: PlannedTensor, floor: Int, measure: BudgetAllocator.Measure, allocator: BudgetAllocator, bits: [Int],
         errorWeight: Double = 1) throws {
        guard let (m, n) = tensor.matrixShape else { throw PlanError.notAMatrix(tensor: tensor.name) }
        guard let spectrum = tensor.spectrum else { throw PlanError.spectrumMissing(tensor: tensor.name) }
        name = tensor.name
        rows = m
        columns = n
        self.floor = floor
        self.errorWeight = errorWeight
        chains = try bits.map {
            try RankChain(tensor: tensor, spectrum: spectrum, floor: floor, measure: measure, factorBits: $0,
                          groupSize: allocator.groupSize, backboneBits: allocator.backboneBits,
                          codebook: allocator.backboneCodebook.fallingBack(columns: n), errorWeight: errorWeight)
        }
        stride = min(m, n) + 1
        denseCost = chains[0].denseCost
        denseChoice = BreakEven.denseChoice(for: tensor, groupSize: allocator.groupSize)
        var quantized: [QuantizedDense] = []
        if measure == .bytes {
            for width in bits where width < 16 {
                let estimate = try LayerEstimate(tensor: tensor, choice: .dense(bits: width, groupSize: allocator.groupSize))
                if estimate.bytesAfter < chains[0].denseCost, let error = estimate.squaredError {
                    quantized.append(QuantizedDense(choice: estimate.choice, cost: estimate.bytesAfter, error: error * errorWeight))
                }
            }
        }
        quantizedDense = quantized
    }

    /// The default chain's largest rank cheaper than dense (what the uniform plan uses).
    var maxRank: Int { chains[0].maxRank }

    private func decode(_ state: Int) -> (chain: RankChain, rank: Int) {
        (chains[state / stride], state % stride)
    }

    private func encode(chain: Int, rank: Int) -> Int { chain * stride + rank }

    /// The quantized dense candidate of `state`, nil for other states.
    private func quantized(_ state: Int) -> QuantizedDense? {
        state <= -2 ? quantizedDense[-2 - state] : nil
    }

    func cost(_ state: Int) -> Int {
        if let candidate = quantized(state) { return candidate.cost }
        if state == FreeLayer.dense { return denseCost }
        let (chain, rank) = decode(state)
        return chain.cost(rank: rank)
    }

    func error(_ state: Int) -> Double {
        if let candidate = quantized(state) { return candidate.error }
        if state == FreeLayer.dense { return 0 }
        let (chain, rank) = decode(state)
        return chain.error(rank: rank)
    }

    func choice(_ state: Int) -> LayerChoice {
        if let candidate = quantized(state) { return candidate.choice }
        if state == FreeLayer.dense { return denseChoice }
        let (chain, rank) = decode(state)
        return chain.choice(rank: rank)
    }

    /// Every state this layer can take: the quantized dense candidates, dense, and each usable
    /// chain's ranks from the floor to its largest rank cheaper than dense.
    var states: [Int] {
        var states = quantizedDense.indices.map { -2 - $0 } + [FreeLayer.dense]
        for (index, chain) in chains.enumerated() where chain.isUsable {
            states += (floor...chain.maxRank).map { encode(chain: index, rank: $0) }
        }
        return states
    }

    /// The state minimising ε² + λ·cost.
    func best(at lambda: Double) -> Int {
        var bestState = FreeLayer.dense
        var bestValue = lambda * Double(denseCost)
        var bestCost = denseCost
        for (index, candidate) in quantizedDense.enumerated() {
            let value = candidate.error + lambda * Double(candidate.cost)
            if value < bestValue || (value == bestValue && candidate.cost < bestCost) || (lambda.isInfinite && candidate.cost < bestCost) {
                bestState = -2 - index
                bestValue = value
                bestCost = candidate.cost
            }
        }
        for (index, chain) in chains.enumerated() {
            guard let (rank, value) = chain.best(at: lambda) else { continue }
            let cost = chain.cost(rank: rank)
            // At λ = ∞ every value is ∞: the cheapest state wins.
            if value < bestValue || (value == bestValue && cost < bestCost) || (lambda.isInfinite && cost < bestCost) {
                bestState = encode(chain: index, rank: rank)
                bestValue = value
                bestCost = cost
            }
        }
        return bestState
    }

    /// The cheapest state: the cheapest chain's floor, or dense when every floor is past break-even.
    var minimalState: Int {
        var state = FreeLayer.dense
        var cheapest = denseCost
        for (index, candidate) in quantizedDense.enumerated() where candidate.cost < cheapest {
            state = -2 - index
            cheapest = candidate.cost
        }
        for (index, chain) in chains.enumerated() where chain.isUsable && chain.cost(rank: floor) < cheapest {
            state = encode(chain: index, rank: floor)
            cheapest = chain.cost(rank: floor)
        }
        return state
    }

    /// A λ at or above which this layer sits at its cheapest state: the largest error-per-cost
    /// ratio of any step up from the floor (next rank, dense, or a costlier chain's floor).
    var ceilingRatio: Double {
        var ratio = 0.0
        let minimal = minimalState
        for candidate in quantizedDense {
            let extra = Double(denseCost - candidate.cost)
            if extra > 0 { ratio = max(ratio, candidate.error / extra) }
            let step = Double(candidate.cost - cost(minimal))
            if step > 0 { ratio = max(ratio, (error(minimal) - candidate.error) / step) }
        }
        for chain in chains where chain.isUsable {
            if floor < chain.maxRank, chain.perRank > 0 { ratio = max(ratio, chain.gain(rank: floor + 1) / chain.perRank) }
            let extra = Double(denseCost - chain.cost(rank: floor))
            if extra > 0 { ratio = max(ratio, chain.error(rank: floor) / extra) }
            let step = Double(chain.cost(rank: floor) - cost(minimal))
            if step > 0 { ratio = max(ratio, (error(minimal) - chain.error(rank: floor)) / step) }
        }
        return ratio
    }

    /// The next greedy move from `state` within its chain: (next state, gain, extra cost), nil when there is none worth making.
    func nextMove(from state: Int) -> (state: Int, gain: Double, cost: Int)? {
        guard state != FreeLayer.dense else { return nil }
        if let candidate = quantized(state) {
            let extra = denseCost - candidate.cost
            return candidate.error > 0 && extra > 0 ? (FreeLayer.dense, candidate.error, extra) : nil
        }
        let (chain, rank) = decode(state)
        let next = rank < chain.maxRank ? state + 1 : FreeLayer.dense
        let gain = error(state) - error(next)
        let extra = cost(next) - cost(state)
        guard gain > 0, extra > 0 else { return nil }
        return (next, gain, extra)
    }

    /// The cheaper neighbour of `state` within its chain (from dense: the default chain's largest
    /// rank): (state, error added, cost saved), nil at the cheapest state.
    func previousMove(from state: Int) -> (state: Int, loss: Double, saving: Int)? {
        let previous: Int
        if state <= -2 {
            return nil
        } else if state == FreeLayer.dense {
            guard chains[0].isUsable else { return nil }
            previous = chains[0].maxRank
        } else {
            guard decode(state).rank > floor else { return nil }
            previous = state - 1
        }
        let saving = cost(state) - cost(previous)
        guard saving > 0 else { return nil }
        return (previous, max(0, error(previous) - error(state)), saving)
    }
}
