/// A plan file that cannot be read or applied: one sentence naming the file, the line of the
/// key, rule or override at fault when known, and the problem, as `plan.json:12: problem.`
public struct PlanFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The plan file (as given, or a name such as `plan` for a plan built in code).
    public let file: String
    /// The 1-based line responsible, nil when the problem has no single line (a missing file).
    public let line: Int?
    /// The problem, one sentence.
    public let problem: String

    /// An error at `line` of `file`.
    public init(file: String, line: Int?, problem: String) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    /// `FILE:LINE: problem.` (or `FILE: problem.` without a line).
    public var description: String {
        let sentence = problem.hasSuffix(".") ? problem : problem + "."
        if let line { return "\(file):\(line): \(sentence)" }
        return "\(file): \(sentence)"
    }
}
