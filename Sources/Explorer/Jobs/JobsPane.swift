import Foundation
import Planning
import TerminalUI

/// The compression job: what it is doing, a progress bar, the rate and time left, and the
/// finished layers (latest first) with the measured error beside the plan's estimate.
///
/// A pure function of its inputs. Call:
/// ```swift
/// JobsPane(job: state.job, now: Date(), styles: state.styles).render(into: &buffer, area: rect)
/// ```
public struct JobsPane: Widget {
    /// The job, nil when none was started.
    public var job: JobProgress?
    /// The time the rate and time left are computed at.
    public var now: Date
    /// Colours and attributes.
    public var styles: PaneStyles

    /// Creates the pane.
    public init(job: JobProgress?, now: Date, styles: PaneStyles = .standard) {
        self.job = job
        self.now = now
        self.styles = styles
    }

    /// The phase as one line, and the style it is drawn in.
    public func headline(_ job: JobProgress) -> (text: String, style: Style) {
        switch job.phase {
        case .starting: return ("starting…", styles.dim)
        case .compressing: return ("compressing \(job.completed)/\(job.total) layers" + (job.cancelRequested ? " (cancelling)" : ""), styles.text)
        case let .writing(index, count): return ("writing shard \(index)/\(count)", styles.text)
        case let .finished(bytes, before):
            return ("done: \(ExplorerFormat.bytes(before)) → \(ExplorerFormat.bytes(bytes))", styles.ok)
        case .cancelled(let why): return ("cancelled: " + why, styles.warning)
        case .failed(let why): return ("failed: " + why, styles.error)
        }
    }

    /// `0.52 layers/s · 12s left`, or what is known of it.
    public func pace(_ job: JobProgress) -> String {
        guard job.isRunning else { return "" }
        guard let rate = job.rate(at: now), let left = job.secondsLeft(at: now) else { return "rate: measuring…" }
        return String(format: "%.2f layers/s · ", rate) + JobsPane.duration(left) + " left"
    }

    /// A weight's name as the layer table shows it: `3 mlp.up_proj`, or the full name outside blocks.
    public static func shortName(_ name: String) -> String {
        let parsed = TensorName(name)
        return parsed.block.map { "\($0) \(parsed.role)" } ?? name
    }

    /// `42s`, `3m05s`, `1h02m`; `—` for a time that is not finite or not sensible (a stalled
    /// rate), which `Int(_:)` would trap on.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0, seconds < 1e12 else { return "—" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
    }

    /// Draws border, headline, bar, pace and the finished layers into `area`.
    public func render(into buffer: inout CellBuffer, area: Rect) {
        let block = Block(title: "Compression job", borderStyle: styles.border, titleStyle: styles.title)
        block.render(into: &buffer, area: area)
        let inner = block.inner(area).inset(left: 1, right: 1)
        guard !inner.isEmpty else { return }
        guard let job else {
            Legend(wrapping: "No compression job yet: c compresses the current plan into a folder, in the background.",
                   style: styles.dim).render(into: &buffer, area: inner)
            return
        }
        var y = inner.y
        func line(_ text: String, _ style: Style) {
            guard y < inner.maxY else { return }
            buffer.write(text, at: Position(x: inner.x, y: y), style: style, maxWidth: inner.width)
            y += 1
        }
        let head = headline(job)
        let headRows = min(max(1, inner.maxY - y - 1), Legend(wrapping: head.text, style: head.style).height(width: inner.width))
        Legend(wrapping: head.text, style: head.style).render(into: &buffer, area: Rect(x: inner.x, y: y, width: inner.width, height: headRows))
        y += headRows
        line("into " + job.outputFolder, styles.dim)
        if y < inner.maxY {
            Gauge(ratio: job.fraction, label: "\(job.completed)/\(job.total)", barStyle: styles.dense, labelStyle: styles.text.bolded)
                .render(into: &buffer, area: Rect(x: inner.x, y: y, width: inner.width, height: 1))
            y += 1
        }
        let pace = pace(job)
        if !pace.isEmpty { line(pace, styles.text) }
        if !job.inFlight.isEmpty { line("now: " + job.inFlight.joined(separator: ", "), styles.dim) }
        if job.isRunning { line("C cancels (resumable) · keep browsing and tuning", styles.dim) }
        guard y + 1 < inner.maxY, !job.layers.isEmpty else { return }
        y += 1
        let flagged = job.layers.filter { EstimateCheck.isFarAbove(measured: $0.measuredError, estimate: $0.estimatedError) }
        if !flagged.isEmpty, y < inner.maxY {
            line("! \(flagged.count) layer\(flagged.count == 1 ? "" : "s") measured far above the estimate (marked !): check before use", styles.error)
        }
        let rows = job.layers.reversed().map { layer -> [String] in
            let mark = EstimateCheck.isFarAbove(measured: layer.measuredError, estimate: layer.estimatedError) ? "! " : ""
            return [mark + JobsPane.shortName(layer.name), ExplorerFormat.percent(layer.measuredError),
                    layer.estimatedError.map(ExplorerFormat.percent) ?? "—"]
        }
        let columns = [TableColumn("layer", width: .remainder), TableColumn("measured", width: .fixed(8), alignment: .right),
                       TableColumn("estimate", width: .fixed(8), alignment: .right)]
        Table(columns: columns, rows: rows, headerStyle: styles.title, rowStyle: styles.text, selectedStyle: styles.selection)
            .render(into: &buffer, area: Rect(x: inner.x, y: y, width: inner.width, height: inner.maxY - y))
    }
}
