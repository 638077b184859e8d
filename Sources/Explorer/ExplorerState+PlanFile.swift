import Foundation
import Planning
import SafeTensors

/// Saving and loading plan files (``PlanDocument``): every row's choice, lock, exclusion and
/// floor, with the plan's defaults (``planDefaults``).
///
/// A save writes what `rankscope plan --out` writes for the same choices
/// (``Planning/PlanDocument/init(checkpoint:defaults:target:choices:constraints:file:)``); an
/// open resolves the file as `compress` does (``Planning/PlanDocument/resolution(of:settings:exactFor:)``),
/// allocating its target if it states one.
extension ExplorerState {
    /// The current settings as a plan document for this checkpoint.
    public func planDocument(file: String) -> PlanDocument {
        let names = entries.map(\.info.name)
        return PlanDocument(checkpoint: PlanCheckpointReference(path: title, tensors: plannedTensors), defaults: planDefaults,
                            choices: Dictionary(uniqueKeysWithValues: zip(names, settings.map(\.effectiveChoice))),
                            constraints: Dictionary(uniqueKeysWithValues: zip(names, settings.map(\.constraint))), file: file)
    }

    /// Asks the app to write the plan to `path` (trimmed); an empty path saves nothing.
    func savePlan(to path: String) -> ExplorerUpdate {
        let path = path.trimmingCharacters(in: .whitespaces)
        guard !path.isEmpty else { return .say("No path given; nothing saved.") }
        return .perform(.savePlan(planDocument(file: path), path: path))
    }

    /// Asks the app to read the plan at `path` (trimmed).
    func openPlan(at path: String) -> ExplorerUpdate {
        .perform(.openPlan(path: path.trimmingCharacters(in: .whitespaces)))
    }

    /// Folds in what came of an effect the app performed.
    @discardableResult
    public mutating func receive(_ result: EffectResult) -> ExplorerUpdate {
        let update: ExplorerUpdate
        switch result {
        case .planSaved(let path):
            savedSettings = settings
            planPath = path
            update = .say("Saved the plan to \(path).")
        case let .planNotSaved(path, reason):
            update = .say("Could not save \(path): \(reason)", tone: .error)
        case .planOpened(let document):
            planPath = document.file
            update = apply(document)
        case .planNotOpened(let reason):
            update = .say(reason, tone: .error)
        case .jobNotStarted(let reason):
            job?.apply(.failed(message: reason))
            update = .say("Compression failed: \(reason)", tone: .error)
        case .measurementNotStarted(let reason):
            if let index = measurements.lastIndex(where: { $0.isRunning }) { measurements[index].apply(.failed(message: reason)) }
            update = .say("Measurement failed: \(reason)", tone: .error)
        }
        show(update.status)
        return update
    }

    /// Applies a loaded plan as one undo step and marks it saved: resolved, and allocated for its
    /// target, as `compress` applies it. A plan whose energy rules or target need spectra still
    /// computing waits (``pendingPlan``) and is applied when they are done.
    @discardableResult
    public mutating func apply(_ document: PlanDocument) -> ExplorerUpdate {
        if document.needsEverySpectrum && !shownSpectraAreDone {
            pendingPlan = document
            return showing(.say("\(document.file) will apply when the spectra are computed."))
        }
        let resolution: PlanResolution
        do {
            resolution = try document.resolution(of: plannedTensors)
        } catch {
            guard shownSpectraAreDone else {
                pendingPlan = document
                return showing(.say("\(document.file) will apply when the spectra are computed."))
            }
            return showing(.say("\(error)"))
        }
        var next = settings
        for (i, entry) in entries.enumerated() {
            let name = entry.info.name
            let choice = resolution.choices[name] ?? .keep
            switch resolution.plan.constraints[name] ?? .free(floor: 0) {
            case .excluded: next[i] = LayerSetting(choice: choice, mark: .excluded)
            case .locked(let locked): next[i] = LayerSetting(choice: locked, mark: .locked)
            case .free(let floor): next[i] = LayerSetting(choice: choice, mark: .free, floor: floor)
            }
        }
        let changed = commit(next)
        savedSettings = settings
        planPath = document.file
        planDefaults = document.defaults
        planAllowedBits = resolution.plan.allowedBits
        let allocated = resolution.settings.target.map { " Allocated for its target \($0)." } ?? ""
        return showing(.say("Loaded \(document.file): \(changed) layers changed." + allocated
                            + (resolution.plan.warnings.first.map { " " + $0 } ?? "")))
    }

    /// Shows `update`'s message and returns it (for entry points outside ``reduce(_:)``).
    mutating func showing(_ update: ExplorerUpdate) -> ExplorerUpdate {
        show(update.status)
        return update
    }
}
