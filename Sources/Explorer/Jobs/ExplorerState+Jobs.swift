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

    mutating func openCompressPrompt() {
        if job?.isRunning == true {
            announce("A compression job is already running (5 shows it, C cancels it).", tone: .warning)
            return
        }
        if settings.allSatisfy({ $0.effectiveChoice == .keep }) {
            announce("The plan keeps every layer as stored: choose ranks or bits first.", tone: .warning)
            return
        }
        prompt = TextPrompt(.compressOutput, text: defaultOutputFolder)
    }

    mutating func startJob(outputFolder: String) {
        let folder = outputFolder.trimmingCharacters(in: .whitespaces)
        guard !folder.isEmpty else { statusText = "No folder given; nothing compressed."; return }
        job = JobProgress(outputFolder: folder, startedAt: Date())
        jobRequest = .start(outputFolder: folder)
        viewMode = .jobs
        statusText = "Compressing into \(folder)… (C cancels; keep browsing)"
    }

    mutating func cancelJob() {
        guard job?.isRunning == true else {
            announce("No compression job is running.", tone: .warning)
            return
        }
        job?.requestCancel()
        jobRequest = .cancel
        announce("Cancelling the job: layers in flight finish first; c with the same folder resumes.", tone: .warning)
    }

    /// Takes the pending job request, if any.
    public mutating func takeJobRequest() -> JobRequest? {
        defer { jobRequest = nil }
        return jobRequest
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

    /// Records that the job could not be launched at all.
    public mutating func jobCouldNotStart(_ why: String) {
        job?.apply(.failed(message: why))
        announce("Compression failed: \(why)", tone: .error)
    }
}
