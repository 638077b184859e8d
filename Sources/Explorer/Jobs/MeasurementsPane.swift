import Foundation
import Planning
import TerminalUI

/// The plans measured with `v` (`rankscope eval --plan`): the one running with its progress, then
/// every try, latest first, with its size, the predicted quality (with `--sensitivity`) qualified
/// as the top line qualifies it (the range of ±2 of the probes' standard errors and how many
/// matrices are extrapolated, ``ExplorerFormat/qualityNotes(_:short:)``), and the measured one
/// marked by where it fell against that range (`✓` inside, `↑` above, `↓` below), so several
/// plans compare at a glance and each shows whether the prediction held.
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

    /// The plan column's least width in the table; narrower panes show each try on two or three lines.
    public static let planColumnWidth = 16
    /// The plan column is as wide as the longest plan up to this width: a table that would cut the
    /// plans shorter leaves out the size, then gives way to two or three lines a try (which keep the
    /// plan whole), since the plan is what tells the tries apart.
    public static let planColumnCap = 40

    /// Creates the pane.
    public init(measurements: [Measurement], textPath: String?, styles: PaneStyles = .standard) {
        self.measurements = measurements
        self.textPath = textPath
        self.styles = styles
    }

    /// The measured figure of a try as its cell: the perplexity or cosine with its ``rangeMark(_:)``,
    /// `…` with the share done while running, or how it ended.
    public static func measuredCell(_ measurement: Measurement) -> String {
        switch measurement.phase {
        case .finished(let quality):
            let mark = rangeMark(measurement).map { " " + $0 } ?? ""
            if let perplexity = quality.perplexity { return ExplorerFormat.perplexityFigure(perplexity) + mark }
            return (quality.meanCosine.map { String(format: "%.3f", $0) } ?? "—") + mark
        case .starting, .compressing, .running: return "… " + percent(measurement.fraction)
        case .cancelled: return "cancelled"
        case .failed: return "failed"
        }
    }

    /// Where the measured figure fell against the predicted range of ±2 standard errors: `✓`
    /// inside, `↑` above, `↓` below (``Measurement/measuredAgainstRange``); nil without one.
    public static func rangeMark(_ measurement: Measurement) -> String? {
        switch measurement.measuredAgainstRange {
        case .inside?: return "✓"
        case .above?: return "↑"
        case .below?: return "↓"
        case nil: return nil
        }
    }

    /// A share done in whole percent, rounded down (`83%`).
    static func percent(_ fraction: Double) -> String { "\(Int((max(0, min(1, fraction)) * 100).rounded(.down)))%" }

    /// The predicted figure of a try as its cell (`—` without a profile), from
    /// ``Measurement/comparedPrediction``, `+?` as in the top line.
    public static func predictedCell(_ measurement: Measurement) -> String {
        guard let predicted = measurement.comparedPrediction else { return "—" }
        let unknown = predicted.unpredicted.isEmpty ? "" : "+?"
        if let perplexity = predicted.perplexity { return ExplorerFormat.perplexityFigure(perplexity) + unknown }
        return String(format: "%.3f", predicted.embeddingCosine ?? .nan) + unknown
    }

    /// The predicted range of ±2 standard errors of a try as its cell (`60–210`), empty without one.
    public static func rangeCell(_ measurement: Measurement) -> String {
        measurement.comparedPrediction.flatMap(ExplorerFormat.qualityRange) ?? ""
    }

    /// How many matrices of a try are cut below their smallest probed rank, as its cell (empty for none).
    public static func extrapolatedCell(_ measurement: Measurement) -> String {
        let count = measurement.comparedPrediction?.extrapolated.count ?? 0
        return count > 0 ? "\(count)" : ""
    }

    /// A try's figures as they fit `width`, one line when they can: `  17.03M 55.3MiB  pred 88.6 (60–210, 3 extrap)  meas 95.2 ✓`
    /// (the size is left out first, then the parameters); when the prediction's notes do not fit
    /// beside the figures, they take a second line, `  ±2 SE 60–210, 3 extrapolated`.
    public static func figuresLines(_ measurement: Measurement, width: Int) -> [String] {
        let notes = measurement.comparedPrediction.map { ExplorerFormat.qualityNotes($0, short: true) } ?? []
        let predicted = "pred " + predictedCell(measurement)
        let measured = "  meas " + measuredCell(measurement)
        let params = ExplorerFormat.count(measurement.parameters)
        let heads = ["  \(params) \(ExplorerFormat.bytes(measurement.bytes))  ", "  \(params)  ", "  "]
        if !notes.isEmpty, let line = heads.map({ $0 + predicted + " (" + notes.joined(separator: ", ") + ")" + measured })
            .first(where: { DisplayWidth.of($0) <= width }) {
            return [line]
        }
        let figures = heads.map { $0 + predicted + measured }
        let first = figures.first { DisplayWidth.of($0) <= width } ?? figures[2]
        guard let prediction = measurement.comparedPrediction, !notes.isEmpty else { return [first] }
        let long = ExplorerFormat.qualityNotes(prediction, short: false)
        let second = [long, Array(long.prefix(1) + notes.dropFirst()), notes].map { "  " + $0.joined(separator: ", ") }
        return [first, second.first { DisplayWidth.of($0) <= width } ?? second[2]]
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
        if let columns = tableColumns(width: inner.width) {
            let rows = numbered.map { number, measurement in columns.map { $0.cell(measurement, number: number + 1) } }
            Table(columns: columns.map { $0.tableColumn(widths: self) }, rows: rows, headerStyle: styles.title, rowStyle: styles.text,
                  selectedStyle: styles.selection)
                .render(into: &buffer, area: Rect(x: inner.x, y: y, width: inner.width, height: inner.maxY - y))
            return
        }
        // Narrow: each try on two lines (three when the prediction's notes need their own), its plan, then its figures.
        for (number, measurement) in numbered {
            guard y < inner.maxY else { break }
            buffer.write("#\(number + 1) " + measurement.summary, at: Position(x: inner.x, y: y), style: styles.text, maxWidth: inner.width)
            y += 1
            let style = measurement.measured == nil ? styles.dim
                : measurement.measuredAgainstRange.map { $0 == .inside ? styles.ok : styles.warning } ?? styles.ok
            for line in MeasurementsPane.figuresLines(measurement, width: inner.width) {
                guard y < inner.maxY else { break }
                buffer.write(line, at: Position(x: inner.x, y: y), style: style, maxWidth: inner.width)
                y += 1
            }
        }
    }

    /// A column of the table of tries.
    enum Column: CaseIterable {
        case plan, parameters, size, predicted, range, extrapolated, measured

        /// The header.
        var title: String {
            switch self {
            case .plan: return "plan"
            case .parameters: return "params"
            case .size: return "size"
            case .predicted: return "predicted"
            case .range: return "±2 SE"
            case .extrapolated: return "extrap"
            case .measured: return "measured"
            }
        }

        /// The cell of try number `number`.
        func cell(_ measurement: Measurement, number: Int) -> String {
            switch self {
            case .plan: return "#\(number) " + measurement.summary
            case .parameters: return ExplorerFormat.count(measurement.parameters)
            case .size: return ExplorerFormat.bytes(measurement.bytes)
            case .predicted: return MeasurementsPane.predictedCell(measurement)
            case .range: return MeasurementsPane.rangeCell(measurement)
            case .extrapolated: return MeasurementsPane.extrapolatedCell(measurement)
            case .measured: return MeasurementsPane.measuredCell(measurement)
            }
        }

        /// The least width: room for the figures that change while a try runs (`… 83%`, a size).
        var leastWidth: Int {
            switch self {
            case .parameters: return 7
            case .size: return 8
            case .measured: return 9
            default: return 0
            }
        }

        /// The width: the plan takes what is left, every other column its widest cell or header.
        func width(in pane: MeasurementsPane) -> Int? {
            guard self != .plan else { return nil }
            let cells = pane.measurements.enumerated().map { cell($1, number: $0 + 1) }
            return max(leastWidth, DisplayWidth.of(title), cells.map(DisplayWidth.of).max() ?? 0)
        }

        /// The column as the table draws it.
        func tableColumn(widths pane: MeasurementsPane) -> TableColumn {
            width(in: pane).map { TableColumn(title, width: .fixed($0), alignment: .right) } ?? TableColumn(title, width: .remainder)
        }
    }

    /// The table's columns for an inner width of `width`: the plan, parameters, size, predicted
    /// figure, its range and extrapolated count (only when some try has them) and the measured
    /// figure; the size is left out first so that the plan column keeps its width (the longest
    /// plan, at least ``planColumnWidth``, at most ``planColumnCap``); nil when even then it would
    /// not (each try then takes two or three lines).
    func tableColumns(width: Int) -> [Column]? {
        let figures = Column.allCases.filter { column in
            switch column {
            case .plan, .parameters, .size: return false
            case .range, .extrapolated: return measurements.contains { !column.cell($0, number: 0).isEmpty }
            case .predicted, .measured: return true
            }
        }
        let plans = measurements.enumerated().map { DisplayWidth.of(Column.plan.cell($1, number: $0 + 1)) }
        let planWidth = max(MeasurementsPane.planColumnWidth, min(plans.max() ?? 0, MeasurementsPane.planColumnCap))
        for middle in [[Column.parameters, .size], [.parameters]] {
            let columns = middle + figures
            let fixed = columns.reduce(0) { $0 + ($1.width(in: self) ?? 0) + 1 }
            if width - fixed >= planWidth { return [.plan] + columns }
        }
        return nil
    }
}
