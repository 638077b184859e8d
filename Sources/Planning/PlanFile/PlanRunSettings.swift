/// What a run states beside a plan's rules and overrides: the defaults every matrix starts from
/// and the allocator uses (the plan file's, with `rankscope plan`'s `--factor-bits`,
/// `--group-size`, `--backbone-bits`, `--objective` and `--min-rank`, or the budget panel's
/// widths, over them), the target the allocator meets, the factor bit widths every free matrix
/// may choose among (`--allow-bits`, on top of the plan's `allow_bits`), and the loss model a
/// size target is allocated for (`--sensitivity`).
///
/// `plan`, `compress`, `merge`, `eval --plan` and the explorer's budget panel all turn a plan
/// into per-layer choices through ``PlanResolution`` with one of these, so each does what `plan`
/// showed.
public struct PlanRunSettings: Sendable {
    /// The defaults rules start from and the allocator gives free matrices.
    public var defaults: PlanDefaults
    /// The target to allocate for, nil to apply the plan as written.
    public var target: BudgetTarget?
    /// Factor bit widths every free matrix may choose among, besides those the plan allows it.
    public var allowedBits: Set<Int>
    /// A sensitivity profile's prediction; a size target is then allocated for the least
    /// predicted loss. An error target (a relative weight error) ignores it.
    public var lossModel: (any MatrixLossModel)?

    /// Settings from their parts; by default the standard defaults, no target, no extra widths, no loss model.
    public init(defaults: PlanDefaults = PlanDefaults(), target: BudgetTarget? = nil, allowedBits: Set<Int> = [],
                lossModel: (any MatrixLossModel)? = nil) {
        self.defaults = defaults
        self.target = target
        self.allowedBits = allowedBits
        self.lossModel = lossModel
    }

    /// The settings `document` states itself: its defaults and target (what `compress` and
    /// `eval --plan` run it with).
    public init(_ document: PlanDocument) {
        self.init(defaults: document.defaults, target: document.target)
    }

    /// The loss model the allocation weighs: ``lossModel`` under a size target, none under an
    /// error target, which is stated in weight error.
    public var allocationLossModel: (any MatrixLossModel)? {
        if case .relativeError? = target { return nil }
        return lossModel
    }

    /// The allocator for `plan`'s free matrices: the defaults' factor bits, group size, backbone
    /// bits, objective and minimum rank; each free matrix may choose among the widths the plan
    /// allows it (``ResolvedPlan/allowedBits``) and ``allowedBits``.
    public func allocator(for plan: ResolvedPlan) -> BudgetAllocator {
        var allocator = BudgetAllocator(factorBits: defaults.factorBits, groupSize: defaults.groupSize, backboneBits: defaults.backboneBits)
        allocator.backboneCodebook = defaults.backboneCodebook
        allocator.allowedFactorBits = plan.allowedBits
        allocator.objective = defaults.objective
        allocator.minimumRank = defaults.minimumRank
        if !allowedBits.isEmpty {
            for (name, constraint) in plan.constraints {
                if case .free = constraint { allocator.allowedFactorBits[name, default: []].formUnion(allowedBits) }
            }
        }
        return allocator
    }
}
