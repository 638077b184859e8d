/// The parsed form of a ``BoundedRegex`` pattern.
indirect enum RegexNode: Sendable, Equatable {
    /// Matches the empty string.
    case empty
    /// One scalar of the class.
    case scalar(ScalarClass)
    /// Each part in turn.
    case sequence([RegexNode])
    /// Any one of the branches.
    case alternation([RegexNode])
    /// `node` at least `minimum` and at most `maximum` times (nil: no upper bound).
    case repetition(RegexNode, minimum: Int, maximum: Int?)
    /// A zero-width condition.
    case assertion(RegexAssertion)
}

/// The zero-width conditions ``BoundedRegex`` supports.
enum RegexAssertion: Sendable, Equatable {
    /// `^`: the start of the name.
    case start
    /// `$`: the end of the name.
    case end
    /// `\b`: between a word character and a non-word one (or an end).
    case wordBoundary
    /// `\B`: not at a word boundary.
    case notWordBoundary

    /// Whether the condition holds between `before` and `after` (nil at either end).
    func holds(before: Unicode.Scalar?, after: Unicode.Scalar?) -> Bool {
        switch self {
        case .start: return before == nil
        case .end: return after == nil
        case .wordBoundary, .notWordBoundary:
            let boundary = (before.map(ScalarClass.isWord) ?? false) != (after.map(ScalarClass.isWord) ?? false)
            return boundary == (self == .wordBoundary)
        }
    }
}
