/// Why a pattern was refused by ``BoundedRegex``, or why matching stopped: one sentence naming
/// the construct or the limit (`lookahead (?=…) is not supported`), without the pattern itself,
/// which callers quote where they name its source (a plan rule, `--filter`).
public struct BoundedRegexError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The problem, one clause without a final full stop.
    public let problem: String

    /// An error saying `problem`.
    public init(_ problem: String) { self.problem = problem }

    /// The problem.
    public var description: String { problem }
}
