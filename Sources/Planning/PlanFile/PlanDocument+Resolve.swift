extension PlanDocument {
    /// Applies the plan to `tensors` (the whole checkpoint; spectra are needed only by energy
    /// rules). For every compressible matrix: start from the defaults, apply each rule whose
    /// `match` is found in the name, in file order, each stated field replacing the earlier one,
    /// then the matrix's override. The action (rank, keep dense, exclude) then gives the choice:
    /// none stated keeps the matrix as stored.
    ///
    /// Throws a ``PlanFileError`` naming the line responsible: an override of a tensor the
    /// checkpoint lacks or that is not a compressible matrix, a rank or floor above a matrix's
    /// full rank, an energy rule for a matrix without a spectrum.
    public func resolve(tensors: [PlannedTensor]) throws -> ResolvedPlan {
        try resolve(tensors: tensors, deferringRanksWithoutSpectrum: false)
    }

    /// True when resolving the plan for some matrices needs the spectra of others: a `target`,
    /// which the allocator meets over every matrix at once. Without one every matrix's choice
    /// depends on its own spectrum alone (energy rules), so a run that compresses some layers
    /// (`compress --shard`) needs only theirs.
    public var needsEverySpectrum: Bool { target != nil }

    /// As ``resolve(tensors:)``, for a run that has only some spectra: a matrix whose energy rule
    /// finds no spectrum is no error but is listed in ``ResolvedPlan/unranked`` with a stand-in
    /// choice, low rank 0 with the bits the plan gives it. Everything else the plan says of it
    /// is resolved and checked as usual, so the run knows which matrices the plan factorizes
    /// (that never depends on a spectrum) without computing their spectra; the stand-in's rank
    /// means nothing and must not be used.
    public func resolveDeferringRanks(tensors: [PlannedTensor]) throws -> ResolvedPlan {
        try resolve(tensors: tensors, deferringRanksWithoutSpectrum: true)
    }

    private func resolve(tensors: [PlannedTensor], deferringRanksWithoutSpectrum deferring: Bool) throws -> ResolvedPlan {
        let regexes = try rules.enumerated().map { index, rule in
            do { return try BoundedRegex(rule.pattern) } catch let error as BoundedRegexError {
                throw PlanFileError(file: file, line: rule.line.line,
                                    problem: "\"match\" in rule \(index + 1), \(BoundedRegex.excerpt(rule.pattern)), is not a valid regular expression: \(error.problem)")
            }
        }
        var budget = RegexStepBudget.standard
        let byName = Dictionary(tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var overridesByName: [String: PlanOverride] = [:]
        for override in overrides {
            guard let tensor = byName[override.tensor] else {
                throw PlanFileError(file: file, line: override.line.line,
                                    problem: "unknown layer \(override.tensor): the checkpoint has no tensor of that name")
            }
            guard tensor.isCompressible else {
                throw PlanFileError(file: file, line: override.line.line,
                                    problem: "\(override.tensor) is not a compressible matrix (it is \(tensor.kind.rawValue), shape \(tensor.shape)); only linear weights can be planned")
            }
            overridesByName[override.tensor] = override
        }
        var warnings: [String] = []
        if let checkpoint {
            let differences = checkpoint.mismatches(with: tensors)
            if !differences.isEmpty {
                warnings.append("\(file): the plan was made for \(checkpoint.path), and this checkpoint differs (\(differences.joined(separator: ", "))).")
            }
        }
        var choices: [String: LayerChoice] = [:]
        var constraints: [String: LayerConstraint] = [:]
        var decidedBy: [String: PlanSource] = [:]
        var allowedBits: [String: Set<Int>] = [:]
        var unranked: Set<String> = []
        var ruleUsed = [Bool](repeating: false, count: rules.count)
        var fallenBack: [String] = []
        for tensor in tensors where tensor.isCompressible {
            var merged = MergedSettings(defaults: defaults)
            for (index, rule) in rules.enumerated() where try matches(regexes[index], tensor.name, &budget) {
                merged.apply(rule.settings, from: .rule(number: index + 1, line: rule.line.line))
                ruleUsed[index] = true
            }
            if let override = overridesByName[tensor.name] {
                merged.apply(override.settings, from: .override(line: override.line.line))
            }
            let (choice, constraint, isStandIn) = try merged.outcome(for: tensor, file: file, deferringRankWithoutSpectrum: deferring)
            if merged.backboneBits != nil, merged.backboneCodebook == .e8p, let columns = tensor.matrixShape?.1,
               merged.codebook(columns: columns) != .e8p {
                fallenBack.append("\(tensor.name) (\(columns) columns)")
            }
            if isStandIn { unranked.insert(tensor.name) }
            choices[tensor.name] = choice
            if !isStandIn, let warning = BreakEven.warning(tensor: tensor, choice: choice) { warnings.append(warning) }
            constraints[tensor.name] = constraint
            decidedBy[tensor.name] = merged.lastSource
            if case .free = constraint, let allowed = merged.allowedBits { allowedBits[tensor.name] = Set(allowed) }
        }
        if !fallenBack.isEmpty {
            warnings.append("E8P needs a multiple of 8 columns, so \(fallenBack.count) matrix backbone(s) use scalar groups instead: "
                            + fallenBack.prefix(3).joined(separator: ", ") + (fallenBack.count > 3 ? ", …" : "") + ".")
        }
        for (index, used) in ruleUsed.enumerated() where !used {
            warnings.append("\(file):\(rules[index].line.line.map(String.init) ?? "?"): rule \(index + 1) (\(rules[index].pattern)) matches no compressible matrix.")
        }
        return ResolvedPlan(choices: choices, constraints: constraints, allowedBits: allowedBits, decidedBy: decidedBy, warnings: warnings,
                            unranked: unranked)
    }
}

extension PlanDocument {
    /// Whether `regex` finds a match in `name`, within `budget`; an exhausted budget is a
    /// ``PlanFileError`` saying the rules are too complex for this checkpoint.
    fileprivate func matches(_ regex: BoundedRegex, _ name: String, _ budget: inout RegexStepBudget) throws -> Bool {
        do { return try regex.matches(name, budget: &budget) } catch let error as BoundedRegexError {
            throw PlanFileError(file: file, line: nil, problem: "the rules cannot be applied to this checkpoint: \(error.problem)")
        }
    }
}

/// The settings of one matrix as rules and overrides accumulate, with where each came from.
private struct MergedSettings {
    var action: PlanAction?
    var actionSource = PlanSource.defaults
    var factorBits: Int
    var groupSize: Int
    var backboneBits: Int?
    var backboneCodebook: BackboneCodebook
    /// False once a rule or override states the codebook (then E8P on a width not divisible by 8 is refused).
    var codebookIsDefault = true
    var denseBits: Int?
    var lock: Bool?
    var floor = 0
    var floorSource = PlanSource.defaults
    var allowedBits: [Int]?
    var lastSource = PlanSource.defaults

    init(defaults: PlanDefaults) {
        factorBits = defaults.factorBits
        groupSize = defaults.groupSize
        backboneBits = defaults.backboneBits
        backboneCodebook = defaults.backboneCodebook
    }

    mutating func apply(_ settings: PlanSettings, from source: PlanSource) {
        lastSource = source
        if let action = settings.action {
            self.action = action
            actionSource = source
        }
        if let bits = settings.factorBits { factorBits = bits }
        if let size = settings.groupSize { groupSize = size }
        if let backbone = settings.backboneBits { backboneBits = backbone }
        if let codebook = settings.backboneCodebook {
            backboneCodebook = codebook
            codebookIsDefault = false
        }
        if let bits = settings.denseBits { denseBits = bits }
        if let lock = settings.lock { self.lock = lock }
        if let allowed = settings.allowedBits { allowedBits = allowed }
        if let floor = settings.floor {
            self.floor = floor
            floorSource = source
        }
    }

    /// The backbone codebook of a matrix with `columns` columns: a default E8P falls back to scalar
    /// groups where the lattice does not fit (``BackboneCodebook/fallingBack(columns:)``).
    func codebook(columns: Int) -> BackboneCodebook {
        codebookIsDefault ? backboneCodebook.fallingBack(columns: columns) : backboneCodebook
    }

    /// The choice and constraint of `tensor`; with `deferring`, an energy rule without a spectrum
    /// gives rank 0 and `isStandIn` (see ``PlanDocument/resolveDeferringRanks(tensors:)``).
    func outcome(for tensor: PlannedTensor, file: String,
                 deferringRankWithoutSpectrum deferring: Bool) throws -> (LayerChoice, LayerConstraint, isStandIn: Bool) {
        let (rows, columns) = tensor.matrixShape!  // compressible matrices are 2-D
        func failure(_ source: PlanSource, _ error: Error) -> PlanFileError {
            let problem = (error as? PlanError)?.description ?? String(describing: error)
            return PlanFileError(file: file, line: source.line, problem: "\(source.label): \(problem)")
        }
        if floor > min(rows, columns) {
            throw failure(floorSource, PlanError.rankAboveFullRank(tensor: tensor.name, rank: floor, fullRank: min(rows, columns)))
        }
        let choice: LayerChoice
        var isStandIn = false
        switch action {
        case nil, .exclude?:
            choice = .keep
        case .keepDense?:
            choice = .dense(bits: denseBits, groupSize: groupSize)
        case .rank(let rule)?:
            do {
                let rank: Int
                do {
                    rank = try rule.rank(tensor: tensor.name, rows: rows, columns: columns, spectrum: tensor.spectrum)
                } catch PlanError.spectrumMissing where deferring {
                    (rank, isStandIn) = (0, true)
                }
                choice = .lowRank(rank: rank, factorBits: factorBits, groupSize: groupSize, backboneBits: backboneBits,
                                  codebook: backboneBits == nil ? .scalar : codebook(columns: columns))
            } catch {
                throw failure(actionSource, error)
            }
        }
        do { try choice.validate(tensor: tensor.name, rows: rows, columns: columns) } catch { throw failure(lastSource, error) }
        let constraint: LayerConstraint
        switch action {
        case .exclude?: constraint = .excluded
        case .keepDense?: constraint = lock == false ? .free(floor: floor) : .locked(choice)  // binds unless "lock": false
        default: constraint = lock == true ? .locked(choice) : .free(floor: floor)
        }
        return (choice, constraint, isStandIn)
    }
}
