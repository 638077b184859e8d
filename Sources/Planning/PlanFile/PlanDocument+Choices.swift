extension PlanDocument {
    /// A plan stating `choices` explicitly, one override per matrix in natural name order (the
    /// explorer's save and `rankscope plan --out`):
    /// - a low-rank choice → `rank` (with `bits`, `group_size`, `backbone_bits`, `backbone_codebook` where they differ from `defaults`);
    /// - a dense choice other than as-stored → `keep_dense` (with `dense_bits`, `group_size`);
    /// - kept as stored (`.dense(bits: nil, …)`, whatever its group size) → no override, unless `constraints` excludes, locks or floors the matrix;
    /// - `.locked` adds `"lock": true`, `.excluded` writes `"exclude": true`, `.free(floor: f > 0)` writes `floor`, and `.free`
    ///   of a matrix kept dense at some bits writes `"lock": false` (a `keep_dense` binds the allocator otherwise).
    ///
    /// Loading the result and resolving it against the same tensors gives back `choices` (and, for
    /// the matrices named, `constraints`).
    public init(checkpoint: PlanCheckpointReference?, defaults: PlanDefaults = PlanDefaults(), target: BudgetTarget? = nil,
                choices: [String: LayerChoice], constraints: [String: LayerConstraint] = [:], file: String = "plan") {
        var overrides: [PlanOverride] = []
        let names = Set(choices.keys).union(constraints.keys).sorted(by: NaturalOrder.precedes)
        for name in names {
            var settings = PlanSettings()
            let constraint = constraints[name]
            switch choices[name] ?? .keep {
            case let .lowRank(rank, factorBits, groupSize, backboneBits, codebook):
                settings.action = .rank(.exact(rank))
                if factorBits != defaults.factorBits { settings.factorBits = factorBits }
                if groupSize != defaults.groupSize { settings.groupSize = groupSize }
                if backboneBits != defaults.backboneBits { settings.backboneBits = .some(backboneBits) }
                if backboneBits != nil, codebook != defaults.backboneCodebook { settings.backboneCodebook = codebook }
            case let .dense(bits, groupSize):
                if let bits {
                    settings.action = .keepDense
                    settings.denseBits = bits
                    if groupSize != defaults.groupSize { settings.groupSize = groupSize }
                }
            }
            switch constraint {
            case .excluded?:
                settings.action = .exclude
            case .locked?:
                if settings.action != .keepDense { settings.lock = true }
            case .free(let floor)?:
                if floor > 0 { settings.floor = floor }
                // keep_dense binds the allocator unless it says otherwise.
                if settings.action == .keepDense { settings.lock = false }
            case nil:
                break
            }
            if settings != PlanSettings() { overrides.append(PlanOverride(tensor: name, settings: settings)) }
        }
        self.init(checkpoint: checkpoint, defaults: defaults, target: target, overrides: overrides, file: file)
    }
}
