import Foundation
import Planning
import SafeTensors

/// Saving and loading plan files (``PlanDocument``): every row's choice, lock and exclusion.
///
/// A plan file's `keep_dense` binds the allocator unless it says `"lock": false`, so a free row
/// kept dense at some bits (`d` then `b`) is written with `"lock": false`; without it the row
/// would come back locked (``LayerSetting/Mark``) although the user never locked it.
extension ExplorerState {
    /// The current settings as a plan document for this checkpoint.
    public func planDocument(file: String) -> PlanDocument {
        var choices: [String: LayerChoice] = [:]
        var constraints: [String: LayerConstraint] = [:]
        var freeDense: Set<String> = []
        for (i, entry) in entries.enumerated() {
            choices[entry.info.name] = settings[i].effectiveChoice
            if settings[i].mark != .free { constraints[entry.info.name] = settings[i].constraint }
            if settings[i].mark == .free, case .dense(_?, _) = settings[i].choice {
                freeDense.insert(entry.info.name)
            }
        }
        var document = PlanDocument(checkpoint: PlanCheckpointReference(path: title, tensors: plannedTensors),
                                    choices: choices, constraints: constraints, file: file)
        for (index, override) in document.overrides.enumerated()
        where freeDense.contains(override.tensor) && override.settings.action == .keepDense {
            document.overrides[index].settings.lock = false
        }
        return document
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

    /// Applies a loaded plan as one undo step and marks it saved. A plan whose energy rules need
    /// spectra still computing waits (``pendingPlan``) and is applied when they are done.
    @discardableResult
    public mutating func apply(_ document: PlanDocument) -> ExplorerUpdate {
        let resolved: ResolvedPlan
        do {
            resolved = try document.resolve(tensors: plannedTensors)
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
            let choice = resolved.choices[name] ?? .keep
            switch resolved.constraints[name] ?? .free(floor: 0) {
            case .excluded: next[i] = LayerSetting(choice: choice, mark: .excluded)
            case .locked(let locked): next[i] = LayerSetting(choice: locked, mark: .locked)
            case .free: next[i] = LayerSetting(choice: choice, mark: .free)
            }
        }
        let changed = commit(next)
        savedSettings = settings
        planPath = document.file
        return showing(.say("Loaded \(document.file): \(changed) layers changed." + (resolved.warnings.first.map { " " + $0 } ?? "")))
    }

    /// Shows `update`'s message and returns it (for entry points outside ``reduce(_:)``).
    mutating func showing(_ update: ExplorerUpdate) -> ExplorerUpdate {
        show(update.status)
        return update
    }
}
