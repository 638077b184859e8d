/// The weights of one ``AllocationObjective`` over a model's compressible matrices with a known
/// spectrum, and the proxy √(Σ wᵢ·εᵢ²) it gives a plan: the one place the allocator's combination
/// rule is computed, for the allocation and for its comparison with the uniform plan.
struct ObjectiveProxy {
    let objective: AllocationObjective
    /// wᵢ by matrix name.
    let weights: [String: Double]

    init(objective: AllocationObjective, tensors: [PlannedTensor]) {
        self.objective = objective
        let measured = tensors.filter { $0.isCompressible && $0.squaredNorm != nil }
        let totalParameters = measured.reduce(0) { $0 + $1.elementCount }
        let totalEnergy = measured.reduce(0.0) { $0 + ($1.squaredNorm ?? 0) }
        var weights: [String: Double] = [:]
        for tensor in measured {
            weights[tensor.name] = objective.weight(energy: tensor.squaredNorm ?? 0, parameters: tensor.elementCount,
                                                    count: measured.count, totalParameters: totalParameters, totalEnergy: totalEnergy)
        }
        self.weights = weights
    }

    /// wᵢ of a matrix (0 for one without a spectrum).
    func weight(of name: String) -> Double { weights[name] ?? 0 }

    /// √(Σ wᵢ·εᵢ²) over the estimates of `totals`.
    func value(of totals: PlanTotals) -> Double {
        totals.estimates.reduce(0.0) { sum, estimate in
            sum + weight(of: estimate.name) * (estimate.squaredError ?? 0)
        }.squareRoot()
    }
}
