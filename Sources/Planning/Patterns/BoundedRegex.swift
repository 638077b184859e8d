/// A regular expression for tensor names that runs in time linear in the name: a Thompson NFA
/// simulated as a Pike VM, never backtracking, so `^(\w+\.?)*$x` costs what `x` costs.
///
/// Matching is a **search** (the pattern may match anywhere in the name, as `grep`, plan rules
/// and `spectra --filter` promise; anchor with `^…$` for a whole name), case-sensitive, over the
/// name's Unicode scalars. Supported: literals, `.` (anything but a line feed), classes `[…]`
/// with ranges and `^` negation, `\d \w \s` and `\D \W \S`, escaped punctuation (`\.`), `\n \t
/// \r \f \v \xhh`, anchors `^ $ \b \B`, groups `(…)` and `(?:…)`, alternation `|`, and the
/// quantifiers `* + ? {m} {m,} {,n} {m,n}` (counts up to 1000; lazy forms match the same names).
/// Backreferences, lookaround, possessive quantifiers, named groups, inline options and Unicode
/// properties are refused by ``BoundedRegexError`` naming the construct, as are patterns over
/// 1000 scalars or compiling to more than 20 000 states.
///
/// Work per name is at most about 2·(length + 1)·states steps; ``matches(_:budget:)`` counts
/// them against a ``RegexStepBudget`` shared by many searches.
public struct BoundedRegex: Sendable {
    /// Longest pattern accepted, in Unicode scalars.
    public static let maximumLength = 1000

    /// The pattern as written.
    public let pattern: String
    private let program: RegexProgram

    /// Compiles `pattern`; throws ``BoundedRegexError`` for syntax it does not support or a
    /// pattern beyond the limits.
    public init(_ pattern: String) throws {
        let length = pattern.unicodeScalars.count
        guard length <= BoundedRegex.maximumLength else {
            throw BoundedRegexError("the pattern is \(length) characters long; at most \(BoundedRegex.maximumLength) are allowed")
        }
        self.pattern = pattern
        program = try RegexProgram(RegexParser.parse(pattern))
    }

    /// `pattern` for a message: its first 60 characters and "…" when it is longer.
    public static func excerpt(_ pattern: String) -> String {
        pattern.unicodeScalars.count <= 60 ? pattern : String(String.UnicodeScalarView(pattern.unicodeScalars.prefix(60))) + "…"
    }

    /// Whether the pattern matches somewhere in `name`.
    public func matches(_ name: String) -> Bool {
        var unlimited = RegexStepBudget(steps: .max)
        return (try? matches(name, budget: &unlimited)) ?? false  // an unlimited budget never throws
    }

    /// Whether the pattern matches somewhere in `name`, spending steps from `budget`; throws
    /// ``BoundedRegexError`` once the budget is exhausted.
    public func matches(_ name: String, budget: inout RegexStepBudget) throws -> Bool {
        var machine = PikeMachine(program.instructions, stepLimit: budget.remaining)
        let found = machine.search(Array(name.unicodeScalars))
        try budget.spend(machine.steps)  // throws when the machine stopped at its limit
        return found
    }
}
