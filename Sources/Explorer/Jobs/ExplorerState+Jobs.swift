import Foundation
import Planning
import TerminalUI

/// Starting, following and cancelling the background compression job from the explorer.
extension ExplorerState {
    /// `NAME-compressed` next to the checkpoint (beside its folder when it is one, else beside the file).
    public var defaultOutputFolder: String {
        let trimmed = title.hasSuffix("/") && title.count > 1 ? String(title.dropLast()) : title
        var isDirectory: ObjCBool = false
        let base = FileManager.default.fileExists(atPath: trimmed, isDirectory: &isDirectory) && isDirectory.boolValue
            ? trimmed : (trimmed as NSString).deletingPathExtension
        return base + "-compressed"
    }

    /// Why `c` cannot open its prompt now (a job runs, or the plan changes nothing), nil when it can.
    var compressRefusal: ExplorerUpdate? {
        if job?.isRunning == true {
            return .say("A compression job is already running (5 shows it, C cancels it).", tone: .warning)
        }
        if settings.allSatisfy({ $0.effectiveChoice == .keep }) {
            return .say("The plan keeps every layer as stored: choose ranks or bits first.", tone: .warning)
        }
        return nil
    }

    /// Starts following a job into `outputFolder` and asks the app to launch it.
    mutating func startJob(outputFolder: String) -> ExplorerUpdate {
        let folder = outputFolder.trimmingCharacters(in: .whitespaces)
        guard !folder.isEmpty else { return .say("No folder given; nothing compressed.") }
        job = JobProgress(outputFolder: folder, startedAt: Date())
        viewMode = .jobs
        return .perform(.startJob(outputFolder: folder), saying: "Compressing into \(folder)… (C cancels; keep browsing)")
    }

    /// `C`: cancels the compression job and the measurement, whichever run.
    mutating func cancelJob() -> ExplorerUpdate {
        guard job?.isRunning == true else { return cancelMeasurement() }
        job?.requestCancel()
        var update = ExplorerUpdate(status: StatusMessage("Cancelling the job: layers in flight finish first; c with the same folder resumes.",
                                                          tone: .warning),
                                    effects: [.cancelJob])
        if runningMeasurement != nil { update.effects += cancelMeasurement().effects }
        return update
    }

    /// Folds in what the job runner reported; completion, cancellation and failure go to the status line.
    public mutating func receive(_ message: CompressionRunner.Message) {
        guard var progress = job else { return }
        let wasRunning = progress.isRunning
        switch message {
        case .line(let line): progress.apply(line)
        case .exited(let status): progress.exited(status: status)
        }
        job = progress
        guard wasRunning, quitDialog == nil else { return }
        switch progress.phase {
        case let .finished(bytes, before):
            announce("Compressed \(progress.total) layer" + (progress.total == 1 ? "" : "s") + " into \(progress.outputFolder): "
                     + "\(ExplorerFormat.bytes(before)) → \(ExplorerFormat.bytes(bytes)).", tone: .ok)
        case .cancelled:
            announce("Compression cancelled after \(progress.completed)/\(progress.total) layers; c with the same folder resumes.",
                     tone: .warning)
        case .failed(let why):
            announce("Compression failed: \(why)", tone: .error)
        case .starting, .compressing, .writing:
            break
        }
    }
}
