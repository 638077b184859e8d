import Planning
import TerminalUI

/// The budget form: a target kind, a value in human units, the defaults the allocator gives free
/// layers (factor bits, an optional CALDERA backbone, the quantization group size, and the
/// objective and minimum rank of the plan being edited), the widths free layers may also choose
/// among (as `plan --allow-bits`), and the outcome of the last run (achieved figures and the gain
/// over the uniform-rank plan, or why the target is out of reach).
public struct BudgetPanel: Equatable, Sendable {
    /// The group sizes Home/End step through (any size ≥ 1 is valid in a plan file).
    public static let groupSizes = [32, 64, 128, 256]
    /// The minimum ranks Ctrl-N cycles through, the default first.
    public static let minimumRanks: [MinimumRank] = [.standard, .shareOfUniform(0.5), .shareOfUniform(0.75), .shareOfUniform(0.25), .shareOfFullRank(0.1), .rank(1), .rank(0)]
    /// The sets of extra factor widths Ctrl-E steps through (the first allows none).
    public static let allowedBitSets: [Set<Int>] = [[], [16, 8], [16, 8, 4], [16, 8, 4, 3], [16, 8, 4, 3, 2]]

    /// What the target measures.
    public var kind: BudgetEntry.Kind = .parameters
    /// The defaults a run allocates at, as `plan`'s `--factor-bits`, `--group-size`,
    /// `--backbone-bits`, `--objective` and `--min-rank` state them.
    public var defaults = PlanDefaults()
    /// Factor widths every free layer may also choose among (`--allow-bits`; Ctrl-E steps through ``allowedBitSets``).
    public var allowedBits: Set<Int> = []
    /// The value as typed.
    public var text = ""
    /// The lines describing the last run (empty before the first).
    public var outcome: [String] = []
    /// True when the last run failed (the outcome is a problem, not figures).
    public var failed = false

    /// An empty form targeting a parameter count at `defaults` (by default 16-bit factors, no
    /// backbone, groups of 128).
    public init(defaults: PlanDefaults = PlanDefaults()) {
        self.defaults = defaults
    }

    /// Bits of the factors the allocator gives free layers (↑/↓ cycle 16, 8, 4, 3, 2).
    public var factorBits: Int {
        get { defaults.factorBits }
        set { defaults.factorBits = newValue }
    }

    /// Bits of the CALDERA backbone `Q` of `W ≈ Q + L·R` the allocator gives free layers, nil for
    /// plain factors (PgDn/PgUp cycle none, 4, 3, 2).
    public var backboneBits: Int? {
        get { defaults.backboneBits }
        set { defaults.backboneBits = newValue }
    }

    /// Quantization group size of the factors and backbone below 16 bits (Home/End step
    /// through ``groupSizes``).
    public var groupSize: Int {
        get { defaults.groupSize }
        set { defaults.groupSize = newValue }
    }

    /// How the allocator combines the matrices' errors (`plan --objective`; Ctrl-O cycles).
    public var objective: AllocationObjective {
        get { defaults.objective }
        set { defaults.objective = newValue }
    }

    /// The floor of every free matrix's rank (`plan --min-rank`; Ctrl-N cycles through ``minimumRanks``).
    public var minimumRank: MinimumRank {
        get { defaults.minimumRank }
        set { defaults.minimumRank = newValue }
    }

    /// The settings a run of the form for `target` resolves the rows with
    /// (``Planning/ResolvedPlan/resolution(of:settings:)``), as `plan` runs with its options.
    /// `lossModel`: the explorer's sensitivity prediction (`tui --sensitivity`), which a size
    /// target is then allocated for, as `plan --sensitivity` does.
    public func settings(target: BudgetTarget, lossModel: (any MatrixLossModel)? = nil) -> PlanRunSettings {
        PlanRunSettings(defaults: defaults, target: target, allowedBits: allowedBits, lossModel: lossModel)
    }

    /// `factors 4-bit · backbone 3-bit · group 32` (`backbone none` without one), then
    /// ` · also 16,8,4-bit` when free layers may choose among other widths.
    public var widths: String {
        "factors \(factorBits)-bit · backbone \(backboneBits.map { "\($0)-bit" } ?? "none") · group \(groupSize)"
            + (allowedBits.isEmpty ? "" : " · also \(allowedBitsText)-bit")
    }

    /// The extra widths, widest first: `16,8,4`.
    public var allowedBitsText: String {
        allowedBits.sorted(by: >).map(String.init).joined(separator: ",")
    }

    /// Moves to the next (`forward`) or previous kind.
    public mutating func cycleKind(forward: Bool) {
        let kinds = BudgetEntry.Kind.allCases
        let i = kinds.firstIndex(of: kind) ?? 0
        kind = kinds[(i + (forward ? 1 : kinds.count - 1)) % kinds.count]
    }

    /// Applies one key through ``KeyMap/budget`` (Tab and ←/→ the kind, ↑/↓ the factor bits,
    /// PgUp/PgDn the backbone, Home/End the group size, Ctrl-O the objective, Ctrl-N the minimum rank, Ctrl-E the extra widths, Enter submits, Esc cancels); printable
    /// keys type the value.
    public mutating func press(_ key: KeyEvent) -> TextPrompt.Outcome {
        if let action = KeyMap.action(for: key, in: KeyMap.budget) { return apply(action) }
        var field = TextPrompt(.filter, text: text)
        let outcome = field.edit(key)
        text = field.text
        return outcome
    }

    /// Applies one budget-panel action; text actions edit the value, Enter submits (run the
    /// allocator) and Esc cancels (close the panel).
    public mutating func apply(_ action: ExplorerAction) -> TextPrompt.Outcome {
        switch action {
        case .nextKind: cycleKind(forward: true)
        case .previousKind: cycleKind(forward: false)
        case .fewerBits: factorBits = ExplorerState.next(after: factorBits, in: ExplorerState.bitCycle)
        case .moreBits: factorBits = ExplorerState.next(after: factorBits, in: ExplorerState.bitCycle.reversed())
        case .nextBackbone: backboneBits = ExplorerState.next(after: backboneBits, in: ExplorerState.backboneCycle)
        case .previousBackbone: backboneBits = ExplorerState.next(after: backboneBits, in: ExplorerState.backboneCycle.reversed())
        case .largerGroup: groupSize = BudgetPanel.step(groupSize, larger: true)
        case .smallerGroup: groupSize = BudgetPanel.step(groupSize, larger: false)
        case .nextAllowedBits:
            let sets = BudgetPanel.allowedBitSets
            allowedBits = sets[((sets.firstIndex(of: allowedBits) ?? 0) + 1) % sets.count]
        case .nextObjective:
            let all = AllocationObjective.allCases
            objective = all[((all.firstIndex(of: objective) ?? 0) + 1) % all.count]
        case .nextMinimumRank:
            let floors = BudgetPanel.minimumRanks
            minimumRank = floors[((floors.firstIndex(of: minimumRank) ?? -1) + 1) % floors.count]
        default:
            var field = TextPrompt(.filter, text: text)
            let outcome = field.apply(action)
            text = field.text
            return outcome
        }
        return .editing
    }

    /// The next larger (or smaller) size of ``groupSizes`` after `size`, wrapping around; a size
    /// outside the list moves to the nearest one in that direction.
    static func step(_ size: Int, larger: Bool) -> Int {
        let sizes = groupSizes
        if larger { return sizes.first { $0 > size } ?? sizes[0] }
        return sizes.last { $0 < size } ?? sizes[sizes.count - 1]
    }
}
