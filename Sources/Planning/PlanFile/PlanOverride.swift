/// Settings for one matrix named exactly; applied after every rule.
public struct PlanOverride: Sendable, Equatable, Hashable {
    /// The tensor's full name in the checkpoint.
    public var tensor: String
    /// What the override sets.
    public var settings: PlanSettings
    /// Where it was written.
    public var line: PlanSourceLine

    /// An override.
    public init(tensor: String, settings: PlanSettings, line: Int? = nil) {
        self.tensor = tensor
        self.settings = settings
        self.line = PlanSourceLine(line)
    }
}
