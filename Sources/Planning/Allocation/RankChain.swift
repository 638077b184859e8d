/// The ranks one free matrix can take at one factor bit width: rank k ∈ floor…maxRank, with its
/// error ε²(k) = α·tail(k) + ν·(E − tail(k)) (ν from ``LayerEstimate/errorModel``) times the
/// objective's weight of the matrix (``AllocationObjective``), and cost (parameters or bytes). A
/// ``FreeLayer`` holds one chain per bit width the matrix may use.
struct RankChain {
    let rows: Int
    let columns: Int
    let floor: Int
    /// The largest rank costing less than dense and below ``BreakEven/rank(rows:columns:factorBits:groupSize:)``
    /// (−1 when even rank 0 does not).
    let maxRank: Int
    let singularValues: [Double]
    let tailEnergy: [Double]
    let energy: Double
    let alpha: Double
    let noise: Double
    /// α − ν: the error one unit of σ² removes.
    let weight: Double
    /// The cost of one more rank, in cost units.
    let perRank: Double
    let denseCost: Int
    let measure: BudgetAllocator.Measure
    let factorBits: Int
    let groupSize: Int
    let backboneBits: Int?
    let codebook: BackboneCodebook
    let backboneCost: Int

    /// `errorWeight`: the objective's weight wᵢ of this matrix's squared error.
    init(tensor: PlannedTensor, spectrum: Spectrum, floor: Int, measure: BudgetAllocator.Measure, factorBits: Int,
         groupSize: Int, backboneBits: Int?, codebook: BackboneCodebook = .scalar, errorWeight: Double = 1) throws {
        guard let (m, n) = tensor.matrixShape else { throw PlanError.notAMatrix(tensor: tensor.name) }
        let codebook = backboneBits == nil ? BackboneCodebook.scalar : codebook
        try LayerChoice.lowRank(rank: floor, factorBits: factorBits, groupSize: groupSize,
                                backboneBits: backboneBits, codebook: codebook).validate(tensor: tensor.name, rows: m, columns: n)
        rows = m
        columns = n
        self.floor = floor
        self.measure = measure
        self.factorBits = factorBits
        self.groupSize = groupSize
        self.backboneBits = backboneBits
        self.codebook = codebook
        singularValues = spectrum.singularValues
        tailEnergy = spectrum.tailEnergy
        energy = spectrum.tailEnergy[0]
        let model = LayerEstimate.errorModel(rows: m, columns: n, factorBits: factorBits, groupSize: groupSize,
                                             backboneBits: backboneBits, codebook: codebook)
        alpha = model.residual * errorWeight
        noise = model.noise * errorWeight
        weight = (model.residual - model.noise) * errorWeight
        switch measure {
        case .parameters:
            perRank = Double(m + n)
            denseCost = m * n
            backboneCost = backboneBits == nil ? 0 : m * n
        case .bytes:
            perRank = Double(GroupQuantization.bitsPerRank(rows: m, columns: n, bits: factorBits, groupSize: groupSize)) / 8
            denseCost = BreakEven.denseBytes(for: tensor, groupSize: groupSize)
            backboneCost = backboneBits.map { codebook.backboneBytes(rows: m, columns: n, bits: $0, groupSize: groupSize) } ?? 0
        }
        // Largest k ≤ s with cost(k) < dense (cost rises with k).
        var low = -1
        var high = min(m, n)
        while low < high {
            let middle = (low + high + 1) / 2
            if RankChain.cost(rank: middle, rows: m, columns: n, measure: measure, bits: factorBits,
                              groupSize: groupSize, backboneCost: backboneCost) < denseCost {
                low = middle
            } else {
                high = middle - 1
            }
        }
        // Never a rank whose factors cost at least the dense matrix at the factors' own bits.
        maxRank = min(low, BreakEven.rank(rows: m, columns: n, factorBits: factorBits, groupSize: groupSize) - 1)
    }

    static func cost(rank k: Int, rows m: Int, columns n: Int, measure: BudgetAllocator.Measure, bits: Int,
                     groupSize: Int, backboneCost: Int) -> Int {
        switch measure {
        case .parameters: return k * (m + n) + backboneCost
        case .bytes: return GroupQuantization.factorBytes(rows: m, columns: n, rank: k, bits: bits, groupSize: groupSize) + backboneCost
        }
    }

    /// True when some rank from the floor costs less than dense.
    var isUsable: Bool { maxRank >= floor }

    func cost(rank k: Int) -> Int {
        RankChain.cost(rank: k, rows: rows, columns: columns, measure: measure, bits: factorBits, groupSize: groupSize, backboneCost: backboneCost)
    }

    func error(rank k: Int) -> Double {
        let tail = tailEnergy[k]
        return alpha * tail + noise * (energy - tail)
    }

    /// The gain of rank k (1-based) over rank k − 1.
    func gain(rank k: Int) -> Double {
        weight * singularValues[k - 1] * singularValues[k - 1]
    }

    /// The rank minimising ε² + λ·cost over floor…maxRank (the largest k with gain > λ·perRank), and that value.
    func best(at lambda: Double) -> (rank: Int, value: Double)? {
        guard isUsable else { return nil }
        var low = floor
        var high = maxRank
        let threshold = lambda * perRank
        while low < high {
            let middle = (low + high + 1) / 2
            if gain(rank: middle) > threshold { low = middle } else { high = middle - 1 }
        }
        return (low, error(rank: low) + lambda * Double(cost(rank: low)))
    }

    /// The choice of rank k.
    func choice(rank k: Int) -> LayerChoice {
        .lowRank(rank: k, factorBits: factorBits, groupSize: groupSize, backboneBits: backboneBits, codebook: codebook)
    }
}
