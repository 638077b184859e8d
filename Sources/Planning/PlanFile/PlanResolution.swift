/// A plan turned into the choice of every compressible matrix for one run: the rules and
/// overrides resolved (``ResolvedPlan``), then, with a target, allocated by the
/// ``BudgetAllocator`` that ``PlanRunSettings/allocator(for:)`` describes under the resolved
/// constraints. The one rule `rankscope plan`, `compress`, `merge`, `eval --plan` and the
/// explorer (its budget panel, and opening a plan) share.
///
/// - ``PlanDocument/resolution(of:settings:exactFor:)`` starts from a plan file;
/// - ``ResolvedPlan/resolution(of:settings:)`` from choices and constraints already resolved
///   (the explorer's rows).
public struct PlanResolution: Sendable {
    /// The plan's own outcome: resolved choices, constraints, allowed widths, where each came from, warnings.
    public let plan: ResolvedPlan
    /// The settings it ran with.
    public let settings: PlanRunSettings
    /// A choice for every compressible matrix: as resolved, or as allocated for the target.
    public let choices: [String: LayerChoice]
    /// The allocation that made ``choices``, when there is a target.
    public let allocation: Allocation?

    /// The plan file stating every choice of this resolution (`rankscope plan --out`, the
    /// explorer's save), with the run's defaults and the plan's locks, exclusions and floors: it
    /// resolves, as written, to ``choices``.
    public func document(checkpoint: PlanCheckpointReference?) -> PlanDocument {
        PlanDocument(checkpoint: checkpoint, defaults: settings.defaults, choices: choices, constraints: plan.constraints)
    }

    /// The plan file stating the uniform-rank plan at the same target (`rankscope plan
    /// --out-uniform`), nil without a target or when no uniform rank meets it.
    public func uniformDocument(checkpoint: PlanCheckpointReference?) -> PlanDocument? {
        allocation?.uniform.map { PlanDocument(checkpoint: checkpoint, defaults: settings.defaults, choices: $0.choices, constraints: plan.constraints) }
    }
}

extension ResolvedPlan {
    /// This resolution run with `settings` over `tensors` (the whole model, with the spectra the
    /// target needs): the resolved choices without a target, else the allocation's.
    ///
    /// - Throws: ``PlanError`` when the allocator cannot meet the target.
    public func resolution(of tensors: [PlannedTensor], settings: PlanRunSettings) throws -> PlanResolution {
        guard let target = settings.target else {
            return PlanResolution(plan: self, settings: settings, choices: choices, allocation: nil)
        }
        let allocation = try settings.allocator(for: self).allocate(tensors: tensors, target: target, constraints: constraints,
                                                                   lossModel: settings.allocationLossModel)
        return PlanResolution(plan: self, settings: settings, choices: allocation.choices, allocation: allocation)
    }
}

extension PlanDocument {
    /// The plan run over `tensors` (the whole checkpoint, with the spectra energy rules and a
    /// target need) with `settings` (by default the plan's own defaults and target,
    /// ``PlanRunSettings/init(_:)``): ``resolved(for:settings:exactFor:)``, then allocated for
    /// the settings' target (``ResolvedPlan/resolution(of:settings:)``).
    ///
    /// - Throws: ``PlanFileError`` naming the plan's line at fault, ``PlanError`` from the allocator.
    public func resolution(of tensors: [PlannedTensor], settings: PlanRunSettings? = nil,
                           exactFor: Set<String>? = nil) throws -> PlanResolution {
        let settings = settings ?? PlanRunSettings(self)
        return try resolved(for: tensors, settings: settings, exactFor: exactFor).resolution(of: tensors, settings: settings)
    }

    /// The first step of ``resolution(of:settings:exactFor:)``, for a run that reports the
    /// rules' warnings before allocating: rules and overrides applied to `tensors` starting from
    /// `settings`' defaults (the plan's own by default).
    ///
    /// `exactFor`: a run that compresses only some layers (`compress --shard`) passes them; an
    /// energy rule of any other matrix without a spectrum then resolves to a stand-in
    /// (``resolveDeferringRanks(tensors:)``), while one of these without a spectrum is still
    /// ``PlanError/spectrumMissing(tensor:)``.
    ///
    /// - Throws: ``PlanFileError`` naming the plan's line at fault.
    public func resolved(for tensors: [PlannedTensor], settings: PlanRunSettings? = nil, exactFor: Set<String>? = nil) throws -> ResolvedPlan {
        var document = self
        document.defaults = settings?.defaults ?? defaults
        guard let exactFor else { return try document.resolve(tensors: tensors) }
        let resolved = try document.resolveDeferringRanks(tensors: tensors)
        if let tensor = tensors.first(where: { exactFor.contains($0.name) && resolved.unranked.contains($0.name) }) {
            throw PlanError.spectrumMissing(tensor: tensor.name)
        }
        return resolved
    }

    /// The choice of every compressible matrix of `tensors` as `rankscope compress` applies this
    /// plan: ``resolution(of:settings:exactFor:)`` with the plan's own settings.
    public func choices(for tensors: [PlannedTensor]) throws -> [String: LayerChoice] {
        try resolution(of: tensors).choices
    }
}
