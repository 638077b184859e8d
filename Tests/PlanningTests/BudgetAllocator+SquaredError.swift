import Planning

extension BudgetAllocator {
    /// The allocator of the brute-force tests: the model's squared error Σεᵢ² from rank 0, the problem their
    /// exhaustive search solves (the default objective and minimum rank are tested in `AllocationObjectiveTests`).
    static func squaredError(factorBits: Int = 16, groupSize: Int = LayerChoice.defaultGroupSize,
                             backboneBits: Int? = nil) -> BudgetAllocator {
        var allocator = BudgetAllocator(factorBits: factorBits, groupSize: groupSize, backboneBits: backboneBits)
        allocator.objective = .squaredError
        allocator.minimumRank = .rank(0)
        return allocator
    }
}
