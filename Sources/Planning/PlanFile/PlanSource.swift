/// Which part of a plan file decided a matrix's settings.
public enum PlanSource: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// No rule or override matched: the defaults (kept as stored, free for the allocator).
    case defaults
    /// Rule `number` (1-based, in file order) at `line`.
    case rule(number: Int, line: Int?)
    /// The override naming the matrix, at `line`.
    case override(line: Int?)

    /// `defaults`, `rule 2 (line 14)`, `override (line 30)`.
    public var description: String {
        switch self {
        case .defaults: return "defaults"
        case let .rule(number, line): return "rule \(number)" + (line.map { " (line \($0))" } ?? "")
        case let .override(line): return "override" + (line.map { " (line \($0))" } ?? "")
        }
    }

    /// `defaults`, `rule 2`, `override`: the description without the line.
    public var label: String {
        switch self {
        case .defaults: return "defaults"
        case .rule(let number, _): return "rule \(number)"
        case .override: return "override"
        }
    }

    /// The line in the plan file, if any.
    public var line: Int? {
        switch self {
        case .defaults: return nil
        case .rule(_, let line), .override(let line): return line
        }
    }
}
