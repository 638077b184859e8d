import Compression
import Foundation
import LinearAlgebra
import Planning
import SafeTensors

/// `rankscope plan … --calibration-text FILE`: the plan (and, with `--measure`, every plan it
/// compares) compressed in memory as `compress` writes it and run over a calibration text, so its
/// predicted quality is a measurement of the whole plan in company, not the profile's rule (each
/// matrix's probe alone, combined through the joint probes). On SmolLM2-135M the rule's increase
/// for the allocated plans was 0.72–2.0× what they measured on held-out text, the calibrated one
/// 0.92–1.10× (docs/evaluation.md): the allocator picks the cuts single probes rate free, and
/// small cuts compound. The calibration text is the profile's own kind of text, never the evaluation text.
enum PlanCalibration {
    /// `--calibration-tokens`' default: a causal LM's calibration text is cut to this many tokens.
    static let defaultTokens = 4_096

    /// `strategies` with ``PlanMeasurement/Strategy/calibrated`` set from `measured`, their
    /// measurement over the calibration text (its rows in the strategies' order).
    static func calibrated(_ strategies: [PlanMeasurement.Strategy], by measured: PlanMeasurement) -> [PlanMeasurement.Strategy] {
        zip(strategies, measured.rows).map { strategy, row in
            var calibrated = strategy
            calibrated.calibrated = prediction(row.measured, original: measured.original, of: measured.measurement,
                                               ruleIncrease: strategy.predicted?.lossIncrease)
            return calibrated
        }
    }

    /// `measured` as a prediction measured in company: a causal LM's increase paired window by
    /// window over `original` with its standard error between windows, an encoder's 1 − mean
    /// embedding cosine (no standard error); nil when the figures are missing.
    static func prediction(_ measured: TextMeasurement.Measured, original: EvalReport.Figures, of measurement: TextMeasurement,
                           ruleIncrease: Double?) -> PredictedQuality? {
        switch measurement.workload {
        case let .windows(windows, seqLen):
            guard let paired = EvalReport.PairedIncrease(original: original, candidate: measured.figures), let perplexity = original.perplexity else { return nil }
            let calibration = PredictedQuality.Calibration(text: measurement.text, workload: "\(windows.count) windows of \(seqLen) tokens",
                                                           tokens: windows.count * seqLen, ruleIncrease: ruleIncrease)
            return .measuredInCompany(metric: .nextTokenLoss, originalLoss: log(perplexity), lossIncrease: paired.lossIncrease,
                                      standardError: paired.lossIncreaseStandardError, calibration: calibration)
        case let .sentences(sentences):
            guard let cosine = measured.agreement?.meanCosine else { return nil }
            let calibration = PredictedQuality.Calibration(text: measurement.text, workload: "\(sentences.count) sentences",
                                                           tokens: sentences.reduce(0) { $0 + $1.count }, ruleIncrease: ruleIncrease)
            return .measuredInCompany(metric: .oneMinusEmbeddingCosine, originalLoss: 0, lossIncrease: 1 - cosine, standardError: nil,
                                      calibration: calibration)
        }
    }
}
