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

    mutating func savePlan(to path: String) {
        let path = path.trimmingCharacters(in: .whitespaces)
        guard !path.isEmpty else { statusText = "No path given; nothing saved."; return }
        do {
            try planDocument(file: path).write(to: path, with: outputGuard)
            savedSettings = settings
            planPath = path
            statusText = "Saved the plan to \(path)."
        } catch {
            announce("Could not save \(path): \(error)", tone: .error)
        }
    }

    mutating func openPlan(at path: String) {
        let path = path.trimmingCharacters(in: .whitespaces)
        do {
            let document = try PlanDocument.load(path: path)
            planPath = path
            apply(document)
        } catch {
            announce("\(error)", tone: .error)
        }
    }

    /// Applies a loaded plan as one undo step and marks it saved. A plan whose energy rules need
    /// spectra still computing waits (``pendingPlan``) and is applied when they are done.
    public mutating func apply(_ document: PlanDocument) {
        let resolved: ResolvedPlan
        do {
            resolved = try document.resolve(tensors: plannedTensors)
        } catch {
            if !shownSpectraAreDone {
                pendingPlan = document
                statusText = "\(document.file) will apply when the spectra are computed."
            } else {
                statusText = "\(error)"
            }
            return
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
        statusText = "Loaded \(document.file): \(changed) layers changed." + (resolved.warnings.first.map { " " + $0 } ?? "")
    }
}
