/// The line of a plan file a rule or override was read from, for error messages.
///
/// Equality ignores it (every two lines compare equal), so a plan equals itself after a
/// write-and-reload round trip even though the written file puts things on other lines.
public struct PlanSourceLine: Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line, nil for plans built in code.
    public let line: Int?

    /// A line, or nil for plans built in code.
    public init(_ line: Int?) { self.line = line }

    /// Always true: where something was written is not part of what it says.
    public static func == (lhs: PlanSourceLine, rhs: PlanSourceLine) -> Bool { true }

    /// Hashes nothing, to agree with ``==``.
    public func hash(into hasher: inout Hasher) {}

    /// `line 12`, or `(built in code)`.
    public var description: String { line.map { "line \($0)" } ?? "(built in code)" }
}
