import Foundation
import Planning

/// Measuring the current plan from the explorer (`v`): `rankscope eval --plan` over the text
/// given with `--text`, in the background, one ``Measurement`` per plan content so several tries
/// can be compared in the jobs view, each with the sensitivity profile's prediction beside it.
extension ExplorerState {
    /// Lets the measure key evaluate plans over the text at `textPath`.
    public mutating func expectMeasurements(textPath: String) {
        measureTextPath = textPath
    }

    /// The measurement running now, if any.
    public var runningMeasurement: Measurement? { measurements.last { $0.isRunning } }

    /// Starts measuring the current plan, or says why not (no text, one already running, nothing
    /// to compress); a plan measured before is not run again: its figures are shown.
    mutating func measure() -> ExplorerUpdate {
        guard let text = measureTextPath else {
            return .say("Measuring needs an evaluation text: open the explorer with --text FILE (and --sensitivity PROFILE to predict).",
                        tone: .warning)
        }
        if runningMeasurement != nil {
            return .say("A measurement is already running (5 shows it, C cancels it).", tone: .warning)
        }
        if settings.allSatisfy({ $0.effectiveChoice == .keep }) {
            return .say("The plan keeps every layer as stored: choose ranks or bits first.", tone: .warning)
        }
        let document = planDocument(file: planPath ?? "explorer plan")
        let key = document.text
        viewMode = .jobs
        if let done = measurements.first(where: { $0.planKey == key }), done.measured != nil {
            return .say("This plan was measured already: " + ExplorerState.describe(done) + ".")
        }
        measurements.removeAll { $0.planKey == key }
        let figures = totals.model
        measurements.append(Measurement(planKey: key, summary: Measurement.summary(of: settings.map(\.effectiveChoice)),
                                        parameters: figures.parametersAfter, bytes: figures.bytesAfter,
                                        predicted: predictedQuality, startedAt: clock()))
        return .perform(.measurePlan(document),
                        saying: "Measuring the plan: rankscope eval over \((text as NSString).lastPathComponent)… (C cancels; keep tuning)")
    }

    /// Asks the running measurement to stop.
    mutating func cancelMeasurement() -> ExplorerUpdate {
        guard let index = measurements.lastIndex(where: { $0.isRunning }) else {
            return .say("Nothing is running: no compression job, no measurement.", tone: .warning)
        }
        measurements[index].requestCancel()
        return ExplorerUpdate(status: StatusMessage("Cancelling the measurement.", tone: .warning), effects: [.cancelMeasurement])
    }

    /// Folds in what the evaluation runner reported; the outcome goes to the status line.
    public mutating func receive(_ message: EvaluationRunner.Message) {
        guard let index = measurements.lastIndex(where: { $0.isRunning }) else { return }
        switch message {
        case .line(let line): measurements[index].apply(line)
        case .exited(let status): measurements[index].exited(status: status)
        }
        let measurement = measurements[index]
        guard !measurement.isRunning, quitDialog == nil else { return }
        switch measurement.phase {
        case .finished:
            announce("Measured " + measurement.summary + ": " + ExplorerState.describe(measurement) + ".", tone: .ok)
        case .cancelled:
            announce("Measurement cancelled.", tone: .warning)
        case .failed(let why):
            announce("Measurement failed: \(why)", tone: .error)
        case .starting, .compressing, .running:
            break
        }
    }

    /// A finished try's figures: `perplexity 88.6 (original 20.7; predicted 90.1, ±2 SE 60.2–135, 3 extrapolated)`
    /// or `embedding cosine 0.953 (predicted 0.960)`: the prediction as the jobs view compares it
    /// (``Measurement/comparedPrediction``), with the top line's notes.
    static func describe(_ measurement: Measurement) -> String {
        guard let measured = measurement.measured else { return "not measured" }
        var notes: [String] = []
        if let original = measured.originalPerplexity, measured.perplexity != nil { notes.append("original " + ExplorerFormat.perplexityFigure(original)) }
        if let predicted = measurement.comparedPrediction {
            let figure = predicted.perplexity.map(ExplorerFormat.perplexityFigure) ?? String(format: "%.3f", predicted.embeddingCosine ?? .nan)
            notes.append((["predicted " + figure] + ExplorerFormat.qualityNotes(predicted, short: false)).joined(separator: ", "))
        }
        let figure = measured.perplexity.map { "perplexity " + ExplorerFormat.perplexityFigure($0) }
            ?? String(format: "embedding cosine %.3f", measured.meanCosine ?? .nan)
        return figure + (notes.isEmpty ? "" : " (" + notes.joined(separator: "; ") + ")")
    }
}
