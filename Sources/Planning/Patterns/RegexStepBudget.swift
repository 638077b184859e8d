/// A count of matching steps that several ``BoundedRegex`` searches share, so the total work of
/// applying many patterns to many names is bounded (a plan's rules to every matrix of a
/// checkpoint, `spectra --filter`). One step is one state visited at one position of a name.
public struct RegexStepBudget: Sendable {
    /// Steps left.
    public private(set) var remaining: Int
    /// Steps the budget started with, named in the error when it runs out.
    public let total: Int

    /// A budget of `steps` steps.
    public init(steps: Int) {
        remaining = steps
        total = steps
    }

    /// The budget every command gives the matching of one run: a billion steps, a few seconds.
    /// Ordinary plans use well under a thousandth of it.
    public static var standard: RegexStepBudget { RegexStepBudget(steps: 1_000_000_000) }

    /// Spends `steps`; throws once the budget is exhausted.
    mutating func spend(_ steps: Int) throws {
        remaining -= steps
        if remaining < 0 {
            throw BoundedRegexError("matching needs more than \(total) steps (the patterns are too complex for this many names); use fewer or simpler patterns")
        }
    }
}
