/// The one global figure a budget allocation must meet. Sizes are for the whole model: every
/// tensor counts, including the ones the allocator cannot change (embeddings, norms, head,
/// excluded and locked layers), so the target reads the same as the totals table.
public enum BudgetTarget: Sendable, Equatable, CustomStringConvertible {
    /// At most this many parameters (elements) in the whole model; allocation minimises error.
    case parameters(Int)
    /// At most this share of the model's (`90%`) or of its linear matrices' (`90%lin`) parameters,
    /// turned into ``parameters(_:)`` by ``resolved(for:)`` once the tensors are known.
    case parameterShare(ParameterShare)
    /// At most this many tensor bytes in the whole model; allocation minimises error.
    case bytes(Int)
    /// At most this average: bytes·8 / parameters before, over the whole model; allocation minimises error.
    case bitsPerWeight(Double)
    /// Model relative error √(Σε² / Σ‖W‖²) at most this, over the tensors whose spectrum is known
    /// (energy-weighted, as ``PlanFigures/relativeError``); allocation minimises bytes.
    case relativeError(Double)

    /// The target as a person would write it.
    public var description: String {
        switch self {
        case .parameters(let count): return "\(count) parameters"
        case .parameterShare(let share): return share.description
        case .bytes(let count): return ByteCountFormatting.described(count)
        case .bitsPerWeight(let bits): return "\(bits) bits per weight"
        case .relativeError(let error): return "relative error \(error)"
        }
    }

    /// The target for `tensors` (the whole model): a share becomes its parameter count, any other
    /// target is returned as it is.
    public func resolved(for tensors: [PlannedTensor]) -> BudgetTarget {
        if case .parameterShare(let share) = self { return .parameters(share.count(in: tensors)) }
        return self
    }
}
