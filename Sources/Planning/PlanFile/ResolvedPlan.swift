/// A plan applied to one checkpoint's tensors: what happens to every compressible matrix, what
/// the budget allocator may change, and which part of the file decided it.
public struct ResolvedPlan: Sendable {
    /// A choice for every compressible matrix (kept as stored where nothing set a rank or keep-dense).
    public let choices: [String: LayerChoice]
    /// The allocator's constraint for every compressible matrix: excluded (`exclude`), locked
    /// (`keep_dense` unless it says `lock: false`, or `lock: true`), or free with the stated `floor` (default 0).
    public let constraints: [String: LayerConstraint]
    /// Factor bit widths the allocator may choose among, for the free matrices given `allow_bits`
    /// (pass to ``BudgetAllocator/allowedFactorBits``).
    public let allowedBits: [String: Set<Int>]
    /// The last rule or override that matched each compressible matrix (overrides beat rules).
    public let decidedBy: [String: PlanSource]
    /// Things worth knowing that do not stop the plan: a different checkpoint, rules matching nothing.
    public let warnings: [String]
    /// Matrices whose energy rule found no spectrum, resolved by
    /// ``PlanDocument/resolveDeferringRanks(tensors:)`` to a stand-in rank (empty otherwise).
    public var unranked: Set<String> = []

    /// A resolution from its parts: what the explorer's rows state (a choice and a constraint per
    /// row, the widths a loaded plan allows its free matrices), to run through
    /// ``resolution(of:settings:)`` as a plan file's is.
    public init(choices: [String: LayerChoice], constraints: [String: LayerConstraint], allowedBits: [String: Set<Int>] = [:],
                decidedBy: [String: PlanSource] = [:], warnings: [String] = [], unranked: Set<String> = []) {
        self.choices = choices
        self.constraints = constraints
        self.allowedBits = allowedBits
        self.decidedBy = decidedBy
        self.warnings = warnings
        self.unranked = unranked
    }
}
