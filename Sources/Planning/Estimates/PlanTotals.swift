/// Figures for the whole model and per group: every tensor counts, the non-compressible ones
/// (embeddings, norms, head, biases) at their stored size, so the totals are the whole model.
public struct PlanTotals: Sendable {
    /// Every tensor's estimate, in the order given.
    public let estimates: [LayerEstimate]
    /// The whole model.
    public let model: PlanFigures
    /// Per block in ascending order; tensors outside blocks under `nil`, listed first.
    public let byBlock: [(block: Int?, figures: PlanFigures)]
    /// Per role, sorted by role name.
    public let byRole: [(role: String, figures: PlanFigures)]

    /// Sums estimates.
    public init(estimates: [LayerEstimate]) {
        self.estimates = estimates
        var model = PlanFigures()
        var blocks: [Int?: PlanFigures] = [:]
        var roles: [String: PlanFigures] = [:]
        for estimate in estimates {
            model.add(estimate)
            blocks[estimate.block, default: PlanFigures()].add(estimate)
            roles[estimate.role, default: PlanFigures()].add(estimate)
        }
        self.model = model
        byBlock = blocks.sorted { ($0.key ?? -1) < ($1.key ?? -1) }.map { (block: $0.key, figures: $0.value) }
        byRole = roles.sorted { $0.key < $1.key }.map { (role: $0.key, figures: $0.value) }
    }

    /// Estimates every tensor: `choices[name]` where given, kept as stored otherwise.
    public init(tensors: [PlannedTensor], choices: [String: LayerChoice]) throws {
        self.init(estimates: try tensors.map { tensor in
            try LayerEstimate(tensor: tensor, choice: choices[tensor.name] ?? .keep)
        })
    }
}
