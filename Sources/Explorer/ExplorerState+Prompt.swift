import Foundation
import Planning
import TerminalUI

/// The status-line prompt mode: filter (applied live), typed rank, plan paths, output folder.
/// Submitting a path returns an effect (save, open, start a job) for the app to perform.
extension ExplorerState {
    mutating func openPrompt(_ purpose: TextPrompt.Purpose) -> ExplorerUpdate {
        switch purpose {
        case .filter:
            filterBeforePrompt = filterText
            mode = .prompt(TextPrompt(.filter, text: filterText))
            return .say("Filter: regex over tensor names (Enter keeps, Esc cancels).")
        case .rank:
            guard cursor != nil else { return .none }
            mode = .prompt(TextPrompt(.rank))
        case .savePath:
            mode = .prompt(TextPrompt(.savePath, text: planPath ?? defaultPlanPath))
        case .openPath:
            mode = .prompt(TextPrompt(.openPath, text: planPath ?? defaultPlanPath))
        case .compressOutput:
            if let refusal = compressRefusal { return refusal }
            mode = .prompt(TextPrompt(.compressOutput, text: defaultOutputFolder))
        }
        return .none
    }

    /// `rankscope-plan.json` next to the checkpoint (in its folder when it is one).
    public var defaultPlanPath: String {
        var isDirectory: ObjCBool = false
        let folder: String
        if FileManager.default.fileExists(atPath: title, isDirectory: &isDirectory), isDirectory.boolValue {
            folder = title
        } else {
            folder = (title as NSString).deletingLastPathComponent
        }
        return (folder.isEmpty ? "." : folder) + "/rankscope-plan.json"
    }

    /// One key in the prompt: ``TextPrompt/edit(_:)``, then what its outcome means.
    mutating func editPrompt(_ field: TextPrompt, _ key: KeyEvent, live: Bool) -> ExplorerUpdate {
        var field = field
        return finishEdit(&field, field.edit(key), live: live)
    }

    /// One action in the prompt (the key map's submit, cancel, erase, clear).
    mutating func editPrompt(_ field: TextPrompt, _ action: ExplorerAction, live: Bool) -> ExplorerUpdate {
        var field = field
        return finishEdit(&field, field.apply(action), live: live)
    }

    private mutating func finishEdit(_ field: inout TextPrompt, _ outcome: TextPrompt.Outcome, live: Bool) -> ExplorerUpdate {
        mode = outcome == .editing ? .prompt(field) : .browsing
        switch (field.purpose, outcome) {
        case (.filter, .editing): return live ? applyFilter(field.text) : .none
        case (.filter, .submitted): return applyFilter(field.text)
        case (.filter, .cancelled):
            let restored = applyFilter(filterBeforePrompt)
            return restored.status?.tone == .error ? restored : .say("Filter unchanged.")
        case (.rank, .submitted): return applyTypedRank(field.text)
        case (.savePath, .submitted): return savePlan(to: field.text)
        case (.openPath, .submitted): return openPlan(at: field.text)
        case (.compressOutput, .submitted): return startJob(outputFolder: field.text)
        case (_, .cancelled): return .say("Cancelled.")
        default: return .none
        }
    }
}
