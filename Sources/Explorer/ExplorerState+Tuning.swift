import Planning

/// Changing choices: rank steps, energy targets, typed ranks, bits, locks, exclusions, copying a
/// choice across a block or a role, and undo/redo. Keys act on the selected layer, or, on a
/// block's header, on every free layer of the block that passes the filter. Locked and excluded
/// layers refuse changes until `p` or `x` frees them.
extension ExplorerState {
    /// The factor (and dense) bit widths `b` cycles through.
    public static let bitCycle = [16, 8, 4, 3, 2]
    /// The backbone widths `B` cycles through (nil: no backbone).
    public static let backboneCycle: [Int?] = [nil, 4, 3, 2]
    /// The energies `e` cycles through, first press first.
    public static let energyCycleTargets = [0.99, 0.999, 0.90]

    /// ⌈5 % of the selected row's full rank⌉ (at least 1).
    public var step: Int { entries.isEmpty ? 1 : step(for: selection) }

    /// ⌈5 % of row `index`'s full rank⌉ (at least 1).
    public func step(for index: Int) -> Int { max(1, (fullRank(index) * 5 + 99) / 100) }

    /// The rows a tuning key acts on, or nil (``noEditableTargets`` says why).
    func editableTargets() -> [Int]? {
        switch cursor {
        case .layer(let index): return settings[index].mark == .free ? [index] : nil
        case .group(let block):
            let free = members(ofBlock: block).filter { matchesFilter($0) && settings[$0].mark == .free }
            return free.isEmpty ? nil : free
        case nil: return nil
        }
    }

    /// Why ``editableTargets()`` is nil: the layer is locked or excluded, or the block has no free layer.
    var noEditableTargets: ExplorerUpdate {
        switch cursor {
        case .layer(let index):
            switch settings[index].mark {
            case .free: return .none
            case .locked: return .say("\(displayName(index)) is locked; p unlocks it.")
            case .excluded: return .say("\(displayName(index)) is excluded; x includes it.")
            }
        case .group(let block): return .say("\(ExplorerState.groupTitle(block)) has no free layer to change.")
        case nil: return .none
        }
    }

    /// The settings with each target's choice replaced by `transform(row, choice)` (nil: unchanged);
    /// ``commit(_:)`` makes them one undo step.
    func proposal(for targets: [Int], _ transform: (Int, LayerChoice) -> LayerChoice?) -> [LayerSetting] {
        var next = settings
        for i in targets {
            if let choice = transform(i, settings[i].choice) { next[i].choice = choice }
        }
        return next
    }

    /// Replaces the settings as one undo step; returns how many rows changed.
    @discardableResult
    mutating func commit(_ next: [LayerSetting]) -> Int {
        let changed = zip(settings, next).filter { $0 != $1 }.count
        guard changed > 0 else { return 0 }
        history.record(settings)
        settings = next
        if sort != .name && sort != .energyRank && sort != .alpha { rebuildRows() }
        return changed
    }

    /// A status sentence after changing `targets`: the single row's new choice (with a break-even
    /// warning when its factors cost at least the dense matrix at their bits), or a count.
    func report(_ targets: [Int], changed: Int, suffix: String = "") -> ExplorerUpdate {
        if targets.count == 1, let i = targets.first {
            var text = "\(displayName(i)): \(ExplorerState.describe(settings[i].choice, fullRank: fullRank(i)))\(suffix)."
            if case let .lowRank(_, factorBits, _, _, _) = settings[i].choice,
               BreakEven.warning(tensor: plannedTensor(i), choice: settings[i].choice) != nil {
                text += " Past break-even: dense at \(factorBits) bits is smaller."
            }
            return .say(text)
        } else if let block = selectedBlock {
            return .say("\(ExplorerState.groupTitle(block)): \(changed) layer\(changed == 1 ? "" : "s") changed\(suffix).")
        }
        return .none
    }

    /// `dense`, `dense 8-bit`, `rank 8 of 12`, `rank 8 of 12, 4-bit`, `rank 8 of 12, 4-bit + 3-bit backbone`,
    /// `rank 8 of 12, 4-bit + 3-bit E8P backbone`.
    public static func describe(_ choice: LayerChoice, fullRank: Int) -> String {
        switch choice {
        case .dense(let bits, _): return bits.map { "dense \($0)-bit" } ?? "dense"
        case let .lowRank(rank, factorBits, _, backboneBits, codebook):
            var text = "rank \(rank) of \(fullRank)"
            if factorBits != 16 || backboneBits != nil { text += ", \(factorBits)-bit" }
            if let backboneBits { text += " + \(backboneBits)-bit " + (codebook == .e8p ? "E8P " : "") + "backbone" }
            return text
        }
    }

    /// `choice` with its rank replaced by `rank` (bits and backbone codebook kept); from dense, plain 16-bit factors.
    static func withRank(_ choice: LayerChoice, _ rank: Int) -> LayerChoice {
        if case let .lowRank(_, factorBits, groupSize, backboneBits, codebook) = choice {
            return .lowRank(rank: rank, factorBits: factorBits, groupSize: groupSize, backboneBits: backboneBits, codebook: codebook)
        }
        return .lowRank(rank: rank)
    }

    mutating func adjustRank(by delta: Int) -> ExplorerUpdate { adjustRank { _ in delta } }

    mutating func adjustRank(_ delta: (Int) -> Int) -> ExplorerUpdate {
        guard let targets = editableTargets() else { return noEditableTargets }
        var denseSkipped = false
        let changed = commit(proposal(for: targets) { i, choice in
            let full = fullRank(i)
            guard full > 0 else { return nil }
            if let rank = choice.rank { return ExplorerState.withRank(choice, min(full, max(1, rank + delta(i)))) }
            if delta(i) > 0 { denseSkipped = true; return nil }
            return ExplorerState.withRank(choice, max(1, full + delta(i)))
        })
        if changed == 0, denseSkipped, targets.count == 1 {
            return .say("\(displayName(targets[0])) is dense; - or e chooses a rank.")
        }
        return report(targets, changed: changed)
    }

    mutating func cycleEnergy() -> ExplorerUpdate {
        guard let targets = editableTargets() else { return noEditableTargets }
        let row = selection
        let step = energyCycle.map { $0.row == row ? ($0.step + 1) % ExplorerState.energyCycleTargets.count : 0 } ?? 0
        let energy = ExplorerState.energyCycleTargets[step]
        let percent = ExplorerFormat.trimmedPercent(energy)
        var missing = 0
        let changed = commit(proposal(for: targets) { i, choice in
            guard let spectrum = statuses[i].spectrum else { missing += 1; return nil }
            return ExplorerState.withRank(choice, max(1, min(fullRank(i), spectrum.rank(keepingEnergy: energy))))
        })
        if missing < targets.count { energyCycle = (row, step) }
        if missing == targets.count {
            return .say(targets.count == 1 ? "\(displayName(targets[0])): spectrum not computed yet." : "Spectra not computed yet.")
        }
        if targets.count == 1, let i = targets.first, let rank = settings[i].choice.rank {
            return .say("\(displayName(i)): rank \(rank) keeps \(percent) of the energy (e again: next target).")
        }
        return report(targets, changed: changed, suffix: " to keep \(percent) of the energy")
    }

    mutating func keepDense() -> ExplorerUpdate {
        guard let targets = editableTargets() else { return noEditableTargets }
        let changed = commit(proposal(for: targets) { _, _ in .keep })
        return report(targets, changed: changed)
    }

    mutating func cycleBits() -> ExplorerUpdate {
        guard let targets = editableTargets() else { return noEditableTargets }
        let changed = commit(proposal(for: targets) { _, choice in
            switch choice {
            case let .lowRank(rank, factorBits, groupSize, backboneBits, codebook):
                let next = ExplorerState.next(after: factorBits, in: ExplorerState.bitCycle)
                return .lowRank(rank: rank, factorBits: next, groupSize: groupSize, backboneBits: backboneBits, codebook: codebook)
            case let .dense(bits, groupSize):
                let cycle: [Int?] = [nil, 8, 4, 3, 2]
                return .dense(bits: ExplorerState.next(after: bits, in: cycle), groupSize: groupSize)
            }
        })
        return report(targets, changed: changed)
    }

    mutating func cycleBackbone() -> ExplorerUpdate {
        guard let targets = editableTargets() else { return noEditableTargets }
        let changed = commit(proposal(for: targets) { _, choice in
            guard case let .lowRank(rank, factorBits, groupSize, backboneBits, codebook) = choice else { return nil }
            // An E8P backbone stays E8P at its next width (2, 3, 4 bits all exist); none drops the codebook.
            let next = ExplorerState.next(after: backboneBits, in: ExplorerState.backboneCycle)
            return .lowRank(rank: rank, factorBits: factorBits, groupSize: groupSize, backboneBits: next,
                            codebook: next == nil ? .scalar : codebook)
        })
        if changed == 0 { return .say("A backbone needs factors: choose a rank first (-, e or =).") }
        return report(targets, changed: changed)
    }

    static func next<T: Equatable>(after value: T, in cycle: [T]) -> T {
        guard let i = cycle.firstIndex(of: value) else { return cycle[0] }
        return cycle[(i + 1) % cycle.count]
    }

    /// `choice` made valid for row `index`: a rank above its full rank becomes the full rank.
    func fitted(_ choice: LayerChoice, to index: Int) -> LayerChoice {
        guard let rank = choice.rank else { return choice }
        return ExplorerState.withRank(choice, min(rank, fullRank(index)))
    }

    mutating func applyToGroup() -> ExplorerUpdate {
        guard case .layer(let source)? = cursor else { return .say("Select a layer to copy its choice to its block.") }
        let block = entries[source].name.block
        let targets = members(ofBlock: block).filter { $0 != source && settings[$0].mark == .free }
        return copyChoice(from: source, to: targets, scope: ExplorerState.groupTitle(block))
    }

    mutating func applyToRole() -> ExplorerUpdate {
        guard case .layer(let source)? = cursor else { return .say("Select a layer to copy its choice to its role.") }
        let role = entries[source].name.role
        let targets = entries.indices.filter { $0 != source && entries[$0].name.role == role && settings[$0].mark == .free }
        return copyChoice(from: source, to: targets, scope: "every \(role)")
    }

    private mutating func copyChoice(from source: Int, to targets: [Int], scope: String) -> ExplorerUpdate {
        let choice = settings[source].choice
        let changed = commit(proposal(for: targets) { i, _ in fitted(choice, to: i) })
        let what = ExplorerState.describe(choice, fullRank: fullRank(source))
        return .say("\(what) → \(changed) layer\(changed == 1 ? "" : "s") of \(scope) (locked and excluded kept).")
    }

    mutating func toggleMark(_ mark: LayerSetting.Mark) -> ExplorerUpdate {
        let targets: [Int]
        switch cursor {
        case .layer(let index): targets = [index]
        case .group(let block): targets = members(ofBlock: block).filter(matchesFilter)
        case nil: return .none
        }
        let allMarked = targets.allSatisfy { settings[$0].mark == mark }
        var next = settings
        for i in targets { next[i].mark = allMarked ? .free : mark }
        commit(next)
        let word = allMarked ? (mark == .locked ? "unlocked" : "included again")
                             : (mark == .locked ? "locked" : "excluded (kept as stored)")
        let subject = targets.count == 1 ? displayName(targets[0]) : "\(targets.count) layers"
        return .say("\(subject) \(word).")
    }

    mutating func undo() -> ExplorerUpdate { travel(history.undo(from: settings), done: "Undone (Ctrl-R redoes).", none: "Nothing to undo.") }

    mutating func redo() -> ExplorerUpdate { travel(history.redo(from: settings), done: "Redone.", none: "Nothing to redo.") }

    /// Moves to `snapshot` taken from the history, or says there is none.
    private mutating func travel(_ snapshot: [LayerSetting]?, done: String, none: String) -> ExplorerUpdate {
        guard let snapshot else { return .say(none) }
        settings = snapshot
        rebuildRows()
        return .say(done)
    }

    /// Applies a typed rank (``RankEntry`` syntax) to the targets.
    mutating func applyTypedRank(_ text: String) -> ExplorerUpdate {
        let entry: RankEntry
        switch RankEntry.parse(text) {
        case .success(let parsed): entry = parsed
        case .failure(let error): return .say(error.description)
        }
        guard let targets = editableTargets() else { return noEditableTargets }
        var problem: String?
        let changed = commit(proposal(for: targets) { i, choice in
            guard case .rule(let rule) = entry else { return .keep }
            guard let shape = entries[i].matrixShape else { return nil }
            do {
                let k = try rule.rank(tensor: displayName(i), rows: shape.rows, columns: shape.columns,
                                      spectrum: statuses[i].spectrum)
                return ExplorerState.withRank(choice, k)
            } catch {
                problem = problem ?? "\(error)"
                return nil
            }
        })
        if let problem, changed == 0 { return .say(problem) }
        return report(targets, changed: changed)
    }
}
