/// Settings for every compressible matrix whose name the regular expression `pattern` finds
/// (searched anywhere in the name, as `grep` and llama.cpp's `--override-tensor` do; anchor with
/// `^…$` for a full match). Rules apply in file order, later ones winning field by field.
public struct PlanRule: Sendable, Equatable, Hashable {
    /// The regular expression, in the syntax ``BoundedRegex`` runs (the common subset of PCRE,
    /// Python and Swift: no backreferences or lookaround).
    public var pattern: String
    /// What the rule sets.
    public var settings: PlanSettings
    /// Where it was written.
    public var line: PlanSourceLine

    /// A rule.
    public init(pattern: String, settings: PlanSettings, line: Int? = nil) {
        self.pattern = pattern
        self.settings = settings
        self.line = PlanSourceLine(line)
    }
}
