import Compression
import Foundation
import LinearAlgebra
import Planning
import SafeTensors

/// `rankscope plan … --measure --text FILE`: the plan just made and the uniform-rank plan at the
/// same target run over the text as `eval --plan` runs them (``TextMeasurement``: one model
/// loaded once, the original measured once, each plan compressed in memory exactly as `compress`
/// writes it and swapped in), beside what the sensitivity profile predicts for each. With
/// statistics the uniform plan is measured twice, data-aware and with plain truncated SVD (the
/// same ranks), so the table shows what the statistics and the allocation each gain.
struct PlanMeasurement {
    /// One plan measured.
    struct Row {
        /// `uniform` (the uniform-rank plan at the same target, as `--out-uniform` writes it) or `plan` (the allocated one).
        let strategy: String
        /// Compressed with the statistics (data-aware) or with plain truncated SVD.
        let dataAware: Bool
        /// The whole model's parameters and bytes after the plan.
        let parametersAfter: Int
        let bytesAfter: Int
        /// The profile's prediction on the original measured here; nil without a profile, or for a
        /// plain plan when the plan's spectra (and the profile) are data-aware.
        let predicted: PredictedQuality?
        /// The plan measured in company over `--calibration-text`, on the original measured here; nil without one.
        let calibrated: PredictedQuality?
        let measured: TextMeasurement.Measured
    }

    /// A plan to measure: its choices, sizes and prediction (on the profile's original).
    struct Strategy {
        let strategy: String
        let dataAware: Bool
        let choices: [String: LayerChoice]
        let parametersAfter: Int
        let bytesAfter: Int
        let predicted: PredictedQuality?
        /// Its measurement over the calibration text (``PlanCalibration``), on that text's original; nil without one.
        var calibrated: PredictedQuality? = nil
    }

    let measurement: TextMeasurement
    let original: EvalReport.Figures
    let rows: [Row]

    /// `the plain uniform plan`, `the data-aware uniform plan`, `the allocated plan`.
    static func name(strategy: String, dataAware: Bool?) -> String {
        let truncation = dataAware.map { $0 ? "data-aware " : "plain " } ?? ""
        return strategy == "uniform" ? "the \(truncation)uniform plan" : "the allocated \(truncation)plan"
    }

    /// A text the plans run over: the model opened over it, its name in reports, its windows.
    struct Text {
        let opened: ModelText
        let name: String
        let seqLen: Int
        let tokenLimit: Int?
    }

    /// Runs the original over each text once, then each of `strategies` compressed in memory from
    /// `checkpoint` (data-aware ones with `statistics`, `jobs` layers at once), in order, once for
    /// all the texts (they share one model). Ctrl-C stops with an ``EvalInterruption`` naming the
    /// plan it stopped in; lines on standard error, the first starting with `option` (the options
    /// that asked for the runs), say how long the measuring takes. One measurement per text.
    static func run(_ strategies: [Strategy], over texts: [Text], checkpoint: Checkpoint, singularValues: [String: [Double]],
                    statistics: ActivationStatistics?, jobs: Int, cancel: CancellationFlag, showsBar: Bool,
                    option: String = "--measure") throws -> [PlanMeasurement] {
        let measurements = try texts.map { text in
            try TextMeasurement(text.opened, text: text.name, seqLen: text.seqLen, tokenLimit: text.tokenLimit, checkpointPath: checkpoint.path,
                                display: .init(bar: showsBar, events: false), cancel: cancel)
        }
        // A plan equal to one before it (the allocator returned the uniform plan) is measured once:
        // for each strategy, the first earlier one with the same layers.
        let earlier = strategies.indices.map { index in
            strategies[..<index].firstIndex { $0.choices == strategies[index].choices && $0.dataAware == strategies[index].dataAware }
        }
        let runs = earlier.filter { $0 == nil }.count
        let plans = "\(runs) plan\(runs == 1 ? "" : "s")"
        if texts.count == 1 {
            Termination.printError("rankscope: \(option) runs the model over \(texts[0].name) \(runs + 1) times: the original, then "
                                   + "\(plans), each compressed in memory first (as `rankscope eval --plan` does).")
        } else {
            Termination.printError("rankscope: \(option) run the model over " + texts.map(\.name).joined(separator: " and ")
                                   + ", \(runs + 1) times each: the original, then \(plans), each compressed in memory once (as `rankscope eval --plan` does).")
        }
        if cancel.isCancelled { throw EvalInterruption.beforeRunning }
        var originals: [EvalReport.Figures] = []
        for measurement in measurements {
            let original = try measurement.measureOriginal()
            originals.append(original)
            let over = texts.count == 1 ? "" : " of " + measurement.text
            Termination.printError(String(format: "rankscope: the original took %.0f s over the %d %@%@; each plan takes about as long after its compression.",
                                          original.seconds, measurement.count, measurement.unit, over))
        }
        var measured: [[TextMeasurement.Measured]] = []  // by strategy, then text
        for (index, strategy) in strategies.enumerated() {
            if let same = earlier[index] {
                measured.append(measured[same])  // the allocator returned the uniform plan: the same layers, measured once
                continue
            }
            let name = Self.name(strategy: strategy.strategy, dataAware: statistics != nil ? strategy.dataAware : nil)
            let candidate = ChoicesCandidate(checkpoint: checkpoint, choices: strategy.choices,
                                             singularValues: strategy.dataAware == (statistics != nil) ? singularValues : [:],
                                             statistics: strategy.dataAware ? statistics : nil, jobs: jobs, description: name)
            let done = measured.count
            let before = done == 0 ? "the original was measured" : "the original and \(done) plan\(done == 1 ? "" : "s") were measured"
            let start = Date()
            let decoded = try measurements[0].decodedLayers(of: candidate, plan: name, measured: before + "; nothing is printed of a comparison cut short")
            let compression = Date().timeIntervalSince(start)
            let figures = try measurements.map { try $0.measure(decoded, name: name) }
            let runTimes = zip(figures, measurements).map { figure, measurement in
                String(format: "%.0f s", figure.figures.seconds) + (texts.count == 1 ? "" : " over " + measurement.text)
            }
            Termination.printError(String(format: "rankscope: %@: compressed in %.0f s, run in %@.", name, compression, runTimes.joined(separator: ", ")))
            measured.append(figures)
        }
        return measurements.indices.map { textIndex in
            let original = originals[textIndex]
            let rows = zip(strategies, measured).map { strategy, figures in
                Row(strategy: strategy.strategy, dataAware: strategy.dataAware, parametersAfter: strategy.parametersAfter,
                    bytesAfter: strategy.bytesAfter, predicted: strategy.predicted?.onMeasuredOriginal(perplexity: original.perplexity),
                    calibrated: strategy.calibrated?.onMeasuredOriginal(perplexity: original.perplexity), measured: figures[textIndex])
            }
            return PlanMeasurement(measurement: measurements[textIndex], original: original, rows: rows)
        }
    }

    /// The same measurement with each row's calibrated figure taken from `strategies` (in the
    /// rows' order), carried onto the original measured here.
    func calibrated(by strategies: [Strategy]) -> PlanMeasurement {
        PlanMeasurement(measurement: measurement, original: original, rows: zip(rows, strategies).map { row, strategy in
            Row(strategy: row.strategy, dataAware: row.dataAware, parametersAfter: row.parametersAfter, bytesAfter: row.bytesAfter,
                predicted: row.predicted, calibrated: strategy.calibrated?.onMeasuredOriginal(perplexity: original.perplexity), measured: row.measured)
        })
    }

    /// The measured figure: a perplexity (causal LMs) or the mean embedding cosine to the original (encoders).
    private static func figure(_ measured: TextMeasurement.Measured) -> Double? {
        measured.figures.perplexity ?? measured.agreement?.meanCosine
    }

    /// The table of `plan` without `--json`.
    func lines() -> [String] {
        let causal = original.perplexity != nil
        let workload: String
        switch measurement.workload {
        case let .windows(windows, seqLen):
            workload = "\(windows.count) windows of \(seqLen) tokens, \(Formatting.grouped(windows.count * seqLen)) tokens"
        case let .sentences(sentences):
            workload = "\(sentences.count) sentences, \(Formatting.grouped(sentences.reduce(0) { $0 + $1.count })) tokens"
        }
        var lines = ["Measured over \(measurement.text) (\(workload)), each plan compressed in memory as `compress` writes it: "
                     + (original.perplexity.map { "original perplexity \(String(format: "%.4f", $0))" } ?? "mean embedding cosine of each plan to the original")
                     + "."]
        let metric = causal ? "perplexity" : "cosine"
        let calibration = rows.lazy.compactMap { $0.calibrated?.calibration }.first
        var table = TextTable([("strategy", .left), ("truncation", .left), ("params", .right), ("size", .right),
                               ("predicted \(metric) (±2 SE)", .right)] + (calibration != nil ? [("calibrated (±2 SE)", .right)] : [])
                              + [("measured", .right)] + (causal ? [("×original", .right)] : []))
        for row in rows {
            var cells = [row.strategy == "uniform" ? "uniform ranks" : "allocated", row.dataAware ? "data-aware" : "plain SVD",
                         Formatting.grouped(row.parametersAfter), Formatting.bytes(row.bytesAfter), Self.predictedCell(row.predicted)]
            if calibration != nil { cells.append(Self.predictedCell(row.calibrated)) }
            if let measured = Self.figure(row.measured) { cells.append(String(format: "%.4f", measured)) } else { cells.append("–") }
            if causal {
                if let measured = row.measured.figures.perplexity, let base = original.perplexity {
                    cells.append(String(format: "%.3f", measured / base))
                } else {
                    cells.append("–")
                }
            }
            table.append(cells)
        }
        lines += table.render(indent: "  ")
        if rows.contains(where: { $0.predicted == nil }) {
            lines.append("– : no prediction (no sensitivity profile, or a plain plan beside a data-aware profile and spectra).")
        }
        if let calibration {
            lines.append("calibrated: each plan measured in company over \(calibration.text) (\(calibration.workload)), its increase carried onto the original measured here.")
        }
        return lines
    }

    /// The predicted figure and its ±2 standard errors, `–` without a prediction.
    private static func predictedCell(_ quality: PredictedQuality?) -> String {
        guard let quality, let figure = quality.figure else { return "–" }
        let format = quality.perplexity != nil ? Formatting.significant : { String(format: "%.4f", $0) }
        return format(figure) + (quality.figureRange().map { " (\(format($0.lowerBound))–\(format($0.upperBound)))" } ?? "")
    }

    /// `plan --json`'s `measured_comparison`: one object per plan (layout in docs/evaluation.md).
    var report: [Report] {
        rows.map { row in
            let agreement = row.measured.agreement
            let figures = row.measured.figures
            let measured: Report.Measured
            switch measurement.workload {
            case let .windows(windows, seqLen):
                measured = Report.Measured(perplexity: figures.perplexity, originalPerplexity: original.perplexity, meanCosine: nil, minCosine: nil,
                                           similarityCorrelation: nil, text: measurement.text, tokens: windows.count * seqLen, seqLen: seqLen,
                                           windows: windows.count, sentences: nil, linearParameters: figures.linearParameters,
                                           originalLinearParameters: original.linearParameters, tokensPerSecond: figures.tokensPerSecond,
                                           paired: EvalReport.PairedIncrease(original: original, candidate: figures))
            case let .sentences(sentences):
                measured = Report.Measured(perplexity: nil, originalPerplexity: nil, meanCosine: agreement?.meanCosine, minCosine: agreement?.minCosine,
                                           similarityCorrelation: agreement?.similarityCorrelation, text: measurement.text,
                                           tokens: sentences.reduce(0) { $0 + $1.count }, seqLen: nil, windows: nil, sentences: sentences.count,
                                           linearParameters: figures.linearParameters, originalLinearParameters: original.linearParameters,
                                           tokensPerSecond: figures.tokensPerSecond)
            }
            return Report(strategy: row.strategy, truncation: row.dataAware ? "data_aware" : "plain", parametersAfter: row.parametersAfter,
                          bytesAfter: row.bytesAfter, predicted: row.predicted.map(Report.Predicted.init),
                          calibrated: row.calibrated.map(Report.Predicted.init), measured: measured)
        }
    }

    /// One plan of `measured_comparison` (camelCase properties are written as snake_case keys; nil ones are left out).
    struct Report: Encodable {
        /// The prediction on the original measured here.
        struct Predicted: Encodable {
            let lossIncrease: Double
            let lossIncreaseStandardError: Double?
            let perplexity: Double?
            let perplexityRange: [Double]?
            let embeddingCosine: Double?
            let embeddingCosineRange: [Double]?
            /// Where a calibrated figure was measured (absent for the rule's).
            let calibration: CalibrationReport?

            init(_ quality: PredictedQuality) {
                lossIncrease = quality.lossIncrease
                lossIncreaseStandardError = quality.increaseStandardError
                perplexity = quality.perplexity
                embeddingCosine = quality.embeddingCosine
                perplexityRange = quality.perplexityRange
                embeddingCosineRange = quality.embeddingCosineRange
                calibration = quality.calibration.map(CalibrationReport.init)
            }
        }

        /// What `eval --plan` of the plan file measures (its `candidate`, `original` and agreement figures).
        struct Measured: Encodable {
            let perplexity: Double?
            let originalPerplexity: Double?
            let meanCosine: Double?
            let minCosine: Double?
            let similarityCorrelation: Double?
            let text: String
            let tokens: Int
            let seqLen: Int?
            let windows: Int?
            let sentences: Int?
            let linearParameters: Int
            let originalLinearParameters: Int
            let tokensPerSecond: Double
            /// A causal LM's increase over the original window by window, with its standard error between windows.
            var paired: EvalReport.PairedIncrease? = nil
        }

        let strategy: String
        let truncation: String
        let parametersAfter: Int
        let bytesAfter: Int
        let predicted: Predicted?
        /// The plan measured in company over the calibration text, carried onto the original measured here.
        let calibrated: Predicted?
        let measured: Measured
    }
}
