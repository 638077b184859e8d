extension PlanDocument {
    /// The choice of every compressible matrix of `tensors` (the whole checkpoint, with the spectra
    /// energy rules and a target need) as `rankscope compress` applies this plan: resolved
    /// (``resolve(tensors:)``), then allocated for the plan's `target` if it states one
    /// (``ResolvedPlan/applied(to:defaults:target:allowedBits:)``).
    ///
    /// - Throws: ``PlanFileError`` naming the plan's line at fault, ``PlanError`` from the allocator.
    public func choices(for tensors: [PlannedTensor]) throws -> [String: LayerChoice] {
        try resolve(tensors: tensors).applied(to: tensors, defaults: defaults, target: target).choices
    }
}
