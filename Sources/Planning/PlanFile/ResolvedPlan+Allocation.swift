extension ResolvedPlan {
    /// The choices a run applies for this resolution of a plan: as resolved, or, with a `target`,
    /// allocated by the ``BudgetAllocator`` (the plan's default factor bits, group size, backbone
    /// bits, objective and minimum rank) under the resolved constraints and `allow_bits`, plus `allowedBits` (`--allow-bits`)
    /// for every free matrix. The one rule `rankscope plan --plan`, `compress` and `eval --plan`
    /// share, so each does what `plan` showed.
    ///
    /// - Returns: the choices and, with a target, the allocation that made them.
    /// - Throws: ``PlanError`` when the allocator cannot meet the target or a spectrum is missing.
    /// `lossModel`: a sensitivity profile's prediction; with it a size target is allocated for the
    /// least predicted Δloss (``BudgetAllocator/allocate(tensors:target:constraints:lossModel:)``).
    public func applied(to tensors: [PlannedTensor], defaults: PlanDefaults, target: BudgetTarget?,
                        allowedBits: Set<Int>? = nil, lossModel: (any MatrixLossModel)? = nil) throws -> (choices: [String: LayerChoice], allocation: Allocation?) {
        guard let target else { return (choices, nil) }
        var allocator = BudgetAllocator(factorBits: defaults.factorBits, groupSize: defaults.groupSize, backboneBits: defaults.backboneBits)
        allocator.allowedFactorBits = self.allowedBits
        allocator.objective = defaults.objective
        allocator.minimumRank = defaults.minimumRank
        if let allowedBits {
            for (name, constraint) in constraints {
                if case .free = constraint { allocator.allowedFactorBits[name, default: []].formUnion(allowedBits) }
            }
        }
        let allocation = try allocator.allocate(tensors: tensors, target: target, constraints: constraints, lossModel: lossModel)
        return (allocation.choices, allocation)
    }
}
