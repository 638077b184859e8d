import Planning
import TerminalUI

/// The budget panel: one global target, the allocator run over the free layers (locked layers
/// keep their choice, excluded ones stay as stored) at the panel's factor bits, backbone and
/// group size, the result applied as one undo step. The allocator sees the shown kind's
/// spectra, so with data-aware spectra it trades output errors.
extension ExplorerState {
    mutating func openBudgetPanel() -> ExplorerUpdate {
        mode = .budget(budgetPanel ?? BudgetPanel(defaults: planDefaults))
        return .say("Budget: Tab kind, ↑↓ bits, PgUp/PgDn backbone, Home/End group, ^E more bits, Enter allocates.")
    }

    /// One key in the budget panel (``BudgetPanel/press(_:)``), then what its outcome means.
    mutating func pressInBudgetPanel(_ panel: BudgetPanel, _ key: KeyEvent) -> ExplorerUpdate {
        var panel = panel
        let outcome = panel.press(key)
        return finishBudgetEdit(panel, outcome)
    }

    /// One budget-panel action (``KeyMap/budget``).
    mutating func reduceBudgetPanel(_ panel: BudgetPanel, _ action: ExplorerAction) -> ExplorerUpdate {
        var panel = panel
        let outcome = panel.apply(action)
        return finishBudgetEdit(panel, outcome)
    }

    private mutating func finishBudgetEdit(_ panel: BudgetPanel, _ outcome: TextPrompt.Outcome) -> ExplorerUpdate {
        switch outcome {
        case .editing:
            mode = .budget(panel)
            return .none
        case .cancelled:
            mode = .browsing
            return .say("Budget panel closed.")
        case .submitted:
            var panel = panel
            let update = runBudget(&panel)
            mode = .budget(panel)
            return update
        }
    }

    /// Every tensor of the model as the allocator sees it.
    public var plannedTensors: [PlannedTensor] { otherTensors + entries.indices.map(plannedTensor) }

    /// The rows as a resolved plan, for ``Planning/ResolvedPlan/resolution(of:settings:)``: each
    /// row's choice (as stored when excluded) and constraint, and the widths a loaded plan allows
    /// its free matrices (``planAllowedBits``).
    public var resolvedPlan: ResolvedPlan {
        ResolvedPlan(choices: Dictionary(uniqueKeysWithValues: zip(entries.map(\.info.name), settings.map(\.effectiveChoice))),
                     constraints: constraints, allowedBits: planAllowedBits)
    }

    /// The allocator's constraint per row: free rows whose spectrum failed are held as they are.
    public var constraints: [String: LayerConstraint] {
        var result: [String: LayerConstraint] = [:]
        for (i, entry) in entries.enumerated() {
            let setting = settings[i]
            result[entry.info.name] = setting.mark == .free && statuses[i].spectrum == nil
                ? .locked(setting.choice) : setting.constraint
        }
        return result
    }

    /// Runs the allocator for `panel`'s target and settings over the rows (``resolvedPlan``)
    /// through the resolution `plan` uses (``Planning/ResolvedPlan/resolution(of:settings:)``),
    /// applying the result as one undo step; the panel's defaults become the plan's
    /// (``planDefaults``). The panel's outcome lines say what came of it.
    mutating func runBudget(_ panel: inout BudgetPanel) -> ExplorerUpdate {
        panel.failed = true
        let target: BudgetTarget
        switch BudgetEntry.target(panel.kind, panel.text) {
        case .success(let parsed): target = parsed
        case .failure(let error):
            panel.outcome = [error.description]
            return .none
        }
        let waiting = entries.indices.filter { settings[$0].mark == .free && statuses[$0].spectrum == nil && isPending($0) }
        guard waiting.isEmpty else {
            panel.outcome = ["\(waiting.count) spectra are still computing; try again when the gauge is full."]
            return .none
        }
        let plan = resolvedPlan
        let resolution: PlanResolution
        do {
            // With a sensitivity profile a size target is allocated for the predicted loss, as `plan --sensitivity` does.
            resolution = try plan.resolution(of: plannedTensors, settings: panel.settings(target: target, lossModel: qualityModel?.allocationModel()))
        } catch {
            panel.outcome = ["\(error)"]
            return .none
        }
        guard let allocation = resolution.allocation else { return .none }  // a target always allocates
        var next = settings
        for (i, entry) in entries.enumerated() {
            if case .free? = plan.constraints[entry.info.name] { next[i].choice = allocation.choices[entry.info.name] ?? .keep }
        }
        planDefaults = panel.defaults
        var uniform = next
        for (i, entry) in entries.enumerated() {
            if case .free? = plan.constraints[entry.info.name] { uniform[i].choice = allocation.uniform?.choices[entry.info.name] ?? .keep }
        }
        let predicted = predictedQuality(of: next).map { quality in
            "predicted " + ExplorerFormat.quality(quality)
                + (allocation.uniform != nil ? predictedQuality(of: uniform).map { "  uniform ranks: " + ExplorerFormat.quality($0) } ?? "" : "")
        }
        let changed = commit(next)
        panel.failed = false
        panel.outcome = ExplorerState.outcomeLines(allocation, widths: panel.widths, kind: spectrumKind)
            + (predicted.map { [$0] } ?? []) + ["\(changed) layers changed; u undoes it all."]
        return .say("Budget \(target) allocated" + (spectrumKind == .dataAware ? " on output errors." : "."))
    }

    /// True while row `index` waits for its exact spectrum (an estimate alone does not do:
    /// allocations are made on exact spectra only).
    private func isPending(_ index: Int) -> Bool {
        switch statuses[index] {
        case .pending, .estimated: return true
        case .ready, .failed: return false
        }
    }

    /// The outcome line naming the widths a run allocated at: `allocated at factors 4-bit · …`.
    static func widthsLine(_ widths: String) -> String { "allocated at " + widths }

    /// What the panel shows after a run: the widths allocated at (`widths`, as ``BudgetPanel/widths``
    /// words them), achieved figures and the comparison with uniform ranks; the error is named
    /// after `kind` (`output error`, and `out-err` in the uniform line, for data-aware spectra).
    static func outcomeLines(_ allocation: Allocation, widths: String, kind: SpectrumKind = .weights) -> [String] {
        let m = allocation.totals.model
        var lines = [
            widthsLine(widths),
            "params \(ExplorerFormat.count(m.parametersBefore)) → \(ExplorerFormat.count(m.parametersAfter))"
                + "  size \(ExplorerFormat.bytes(m.bytesBefore)) → \(ExplorerFormat.bytes(m.bytesAfter))",
            String(format: "%.2f bits/weight  ", m.bitsPerWeight) + (kind == .dataAware ? "output error " : "error ")
                + ExplorerFormat.percent(m.relativeError)
                + String(format: "  speed-up ×%.2f", m.memoryBoundSpeedup),
        ]
        if let uniform = allocation.uniform {
            var line = "uniform ranks \(ExplorerFormat.trimmedPercent(uniform.fraction)): "
                + (kind == .dataAware ? "out-err " : "err ")
                + ExplorerFormat.percent(uniform.totals.model.relativeError)
                + " \(ExplorerFormat.bytes(uniform.totals.model.bytesAfter))"
            if allocation.isUniform {
                line += " (uniform was best)"
            } else if case .relativeError = allocation.target, let gain = allocation.sizeImprovement {
                line += String(format: " (×%.2f smaller)", gain)
            } else if allocation.prediction == nil, let gain = allocation.errorImprovement {
                // With a profile the predicted quality of both plans follows instead of the proxy's ratio.
                line += String(format: " (×%.2f less error in the allocator's proxy)", gain)
            }
            lines.append(line)
            if allocation.isUniform && allocation.prediction == nil {
                lines.append("no profile: uniform; `rankscope sensitivity` allocates better")
            }
        } else {
            lines.append("no uniform rank meets this target")
        }
        return lines
    }
}
