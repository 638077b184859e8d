import Foundation
import Planning
import TerminalUI

/// The status-line prompt: filter (applied live), typed rank, plan paths.
extension ExplorerState {
    mutating func openPrompt(_ purpose: TextPrompt.Purpose) {
        switch purpose {
        case .filter:
            filterBeforePrompt = filterText
            prompt = TextPrompt(.filter, text: filterText)
            statusText = "Filter: regex over tensor names (Enter keeps, Esc cancels)."
        case .rank:
            guard cursor != nil else { return }
            prompt = TextPrompt(.rank)
        case .savePath:
            prompt = TextPrompt(.savePath, text: planPath ?? defaultPlanPath)
        case .openPath:
            prompt = TextPrompt(.openPath, text: planPath ?? defaultPlanPath)
        case .compressOutput:
            openCompressPrompt()
        }
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

    mutating func editPrompt(_ key: KeyEvent) {
        guard var field = prompt else { return }
        let outcome = field.edit(key)
        prompt = outcome == .editing ? field : nil
        switch (field.purpose, outcome) {
        case (.filter, .editing): applyFilter(field.text)
        case (.filter, .submitted): applyFilter(field.text)
        case (.filter, .cancelled):
            applyFilter(filterBeforePrompt)
            statusText = "Filter unchanged."
        case (.rank, .submitted): applyTypedRank(field.text)
        case (.savePath, .submitted): savePlan(to: field.text)
        case (.openPath, .submitted): openPlan(at: field.text)
        case (.compressOutput, .submitted): startJob(outputFolder: field.text)
        case (_, .cancelled): statusText = "Cancelled."
        default: break
        }
    }
}
