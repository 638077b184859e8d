import Foundation
import Planning
import TerminalUI

/// The plans measured with `v` (`rankscope eval --plan`): the one running with its progress, then
/// every try, latest first, with its size, the predicted quality (with `--sensitivity`) and the
/// measured one, so several plans compare at a glance.
///
/// A pure function of its inputs. Call:
/// ```swift
/// MeasurementsPane(measurements: state.measurements, textPath: state.measureTextPath, styles: state.styles)
///     .render(into: &buffer, area: rect)
/// ```
public struct MeasurementsPane: Widget {
    /// The tries, oldest first.
    public var measurements: [Measurement]
    /// The evaluation text, nil when the explorer cannot measure.
    public var textPath: String?
    /// Colours and attributes.
    public var styles: PaneStyles

    /// Width from which the tries are a table (one line each); narrower, each takes two lines.
    public static let tableWidth = 64

    /// Creates the pane.
    public init(measurements: [Measurement], textPath: String?, styles: PaneStyles = .standard) {
        self.measurements = measurements
        self.textPath = textPath
        self.styles = styles
    }

    /// The measured figure of a try as its cell: the perplexity or cosine, `…` with the share done
    /// while running, or how it ended.
    public static func measuredCell(_ measurement: Measurement) -> String {
        switch measurement.phase {
        case .finished(let quality):
            if let perplexity = quality.perplexity { return ExplorerFormat.perplexityFigure(perplexity) }
            return quality.meanCosine.map { String(format: "%.3f", $0) } ?? "—"
        case .starting, .compressing, .running: return "… " + percent(measurement.fraction)
        case .cancelled: return "cancelled"
        case .failed: return "failed"
        }
    }

    /// A share done in whole percent, rounded down (`83%`).
    static func percent(_ fraction: Double) -> String { "\(Int((max(0, min(1, fraction)) * 100).rounded(.down)))%" }

    /// The predicted figure of a try as its cell (`—` without a profile).
    public static func predictedCell(_ measurement: Measurement) -> String {
        guard let predicted = measurement.predicted else { return "—" }
        let unknown = predicted.unpredicted.isEmpty ? "" : "+?"
        if let perplexity = measurement.predictedPerplexity { return ExplorerFormat.perplexityFigure(perplexity) + unknown }
        return String(format: "%.3f", predicted.embeddingCosine ?? .nan) + unknown
    }

    /// A try's figures on one line, as many as fit `width`: `  17.03M 55.3MiB  pred 0.500  meas 0.395`
    /// (the size is left out first, then the parameters).
    public static func figuresLine(_ measurement: Measurement, width: Int) -> String {
        let tail = "pred " + predictedCell(measurement) + "  meas " + measuredCell(measurement)
        let params = ExplorerFormat.count(measurement.parameters)
        let candidates = ["  \(params) \(ExplorerFormat.bytes(measurement.bytes))  " + tail, "  \(params)  " + tail, "  " + tail]
        return candidates.first { $0.count <= width } ?? candidates[2]
    }

    /// What the running try is doing.
    public static func stage(_ measurement: Measurement) -> String {
        switch measurement.phase {
        case .starting: return "opening the model and text…"
        case let .compressing(completed, total):
            return "compressing the plan in memory" + (total > 0 ? " \(completed)/\(total)" : "…")
        case let .running(model, completed, total): return "\(model) model \(completed)/\(total)"
        case .finished, .cancelled, .failed: return ""
        }
    }

    /// Draws border, the running try's progress, the failure of the last try and the table into `area`.
    public func render(into buffer: inout CellBuffer, area: Rect) {
        let metric = measurements.compactMap { $0.measured ?? nil }.first.map { $0.perplexity != nil ? "perplexity" : "embedding cosine" }
        let block = Block(title: "Measured plans" + (metric.map { ": " + $0 } ?? ""), borderStyle: styles.border, titleStyle: styles.title)
        block.render(into: &buffer, area: area)
        let inner = block.inner(area).inset(left: 1, right: 1)
        guard !inner.isEmpty else { return }
        guard textPath != nil || !measurements.isEmpty else {
            Legend(wrapping: "Open the explorer with --text FILE to measure plans with v (and --sensitivity PROFILE to predict them).",
                   style: styles.dim).render(into: &buffer, area: inner)
            return
        }
        guard !measurements.isEmpty else {
            Legend(wrapping: "No plan measured yet: v runs rankscope eval on the current plan over \(textPath ?? "the text"), in the background.",
                   style: styles.dim).render(into: &buffer, area: inner)
            return
        }
        var y = inner.y
        if let running = measurements.last(where: \.isRunning) {
            buffer.write("#\(measurements.count) " + MeasurementsPane.stage(running) + (running.cancelRequested ? " (cancelling)" : ""),
                         at: Position(x: inner.x, y: y), style: styles.text, maxWidth: inner.width)
            y += 1
            if y < inner.maxY {
                Gauge(ratio: running.fraction, label: MeasurementsPane.percent(running.fraction), barStyle: styles.dense,
                      labelStyle: styles.text.bolded)
                    .render(into: &buffer, area: Rect(x: inner.x, y: y, width: inner.width, height: 1))
                y += 1
            }
        } else if case .failed(let why)? = measurements.last?.phase {
            let legend = Legend(wrapping: "failed: " + why, style: styles.error)
            let rows = min(legend.height(width: inner.width), max(0, inner.maxY - y - 2))
            legend.render(into: &buffer, area: Rect(x: inner.x, y: y, width: inner.width, height: rows))
            y += rows
        }
        guard y < inner.maxY else { return }
        let numbered = Array(measurements.enumerated().reversed())
        guard inner.width >= MeasurementsPane.tableWidth else {
            // Narrow: each try on two lines, its plan, then its figures.
            for (number, measurement) in numbered {
                guard y < inner.maxY else { break }
                buffer.write("#\(number + 1) " + measurement.summary, at: Position(x: inner.x, y: y), style: styles.text, maxWidth: inner.width)
                y += 1
                guard y < inner.maxY else { break }
                buffer.write(MeasurementsPane.figuresLine(measurement, width: inner.width), at: Position(x: inner.x, y: y),
                             style: measurement.measured == nil ? styles.dim : styles.ok, maxWidth: inner.width)
                y += 1
            }
            return
        }
        let columns = [TableColumn("plan", width: .remainder), TableColumn("params", width: .fixed(7), alignment: .right),
                       TableColumn("size", width: .fixed(8), alignment: .right), TableColumn("predicted", width: .fixed(9), alignment: .right),
                       TableColumn("measured", width: .fixed(9), alignment: .right)]
        let rows = numbered.map { number, measurement -> [String] in
            ["#\(number + 1) " + measurement.summary, ExplorerFormat.count(measurement.parameters), ExplorerFormat.bytes(measurement.bytes),
             MeasurementsPane.predictedCell(measurement), MeasurementsPane.measuredCell(measurement)]
        }
        Table(columns: columns, rows: rows, headerStyle: styles.title, rowStyle: styles.text, selectedStyle: styles.selection)
            .render(into: &buffer, area: Rect(x: inner.x, y: y, width: inner.width, height: inner.maxY - y))
    }
}
