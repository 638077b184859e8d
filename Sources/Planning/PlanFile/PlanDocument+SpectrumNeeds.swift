extension PlanDocument {
    /// The compressible matrices whose spectrum a figure of this plan needs, found from the
    /// headers alone (`tensors` may carry no spectrum). Sizes, parameter counts and the sparse
    /// formats never need one, so a plan whose set is empty is answered at once.
    ///
    /// - An excluded matrix never needs one: it stays as stored, and counts in no error total.
    /// - With a `target` (the command line's, else the plan's), or when the plan changes some
    ///   matrix (a rank, its energy rule included, or dense at fewer bits), every other matrix
    ///   needs one: the allocator weighs them all, and the model's relative error
    ///   √(Σε²/Σ‖W‖²) is taken over all of them, kept ones included, so a plan allocated for a
    ///   target and the same plan written out and evaluated give the same error.
    /// - Otherwise (no plan, or one that only keeps and excludes) none does: nothing has an error.
    public func spectrumNeeds(tensors: [PlannedTensor], target: BudgetTarget?) throws -> Set<String> {
        let resolved = try resolveDeferringRanks(tensors: tensors)
        let weighed = tensors.filter { $0.isCompressible && resolved.constraints[$0.name] != .excluded }.map(\.name)
        let changesSome = weighed.contains { (resolved.choices[$0] ?? .keep).changesStoredTensor }
        return target != nil || changesSome ? Set(weighed) : []
    }
}
