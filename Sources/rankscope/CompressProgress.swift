import Compression
import Foundation

/// Shows a compression job's ``JobEvent``s: as protocol lines on standard output (`--events`), or
/// as a progress bar with rate and time left on a terminal.
final class CompressProgress: @unchecked Sendable {
    private let linesOnStandardOutput: Bool
    private let bar: ProgressLine
    private let started = Date()
    private var resumed = 0

    /// Progress as protocol lines when `linesOnStandardOutput`, else a bar on a terminal.
    init(linesOnStandardOutput: Bool) {
        self.linesOnStandardOutput = linesOnStandardOutput
        bar = ProgressLine(enabled: !linesOnStandardOutput && isatty(STDERR_FILENO) == 1)
    }

    /// Shows one event (events arrive one at a time).
    func show(_ event: JobEvent) {
        if linesOnStandardOutput {
            StandardOutput.write(event.jsonLine + "\n", flush: true)
            return
        }
        switch event {
        case let .started(layers, resumed, _):
            self.resumed = resumed
            bar.update(completed: 0, total: layers - resumed, note: resumed > 0 ? "\(resumed) layers resumed" : "starting")
        case let .layerFinished(_, completed, total):
            let rate = Double(completed - resumed) / max(Date().timeIntervalSince(started), 1e-9)
            bar.update(completed: completed - resumed, total: total - resumed, note: String(format: "%.2f layers/s", rate))
        case let .writingShard(name, index, count):
            bar.update(completed: index - 1, total: count, note: "writing \(name)")
        case .finished:
            bar.finish()
        case .layerStarted:
            break
        }
    }

    /// Erases the bar when the job stopped early.
    func erase() {
        bar.finish()
    }
}
