import Foundation
import Planning

/// `--sensitivity PROFILE` of `plan` and `eval`: the profile read and checked against the
/// checkpoint, and the predicted-quality lines printed beside the plan's size or the measured figure.
enum SensitivityOption {
    /// The profile at `profilePath`, checked against the checkpoint whose compressible matrices
    /// have `shapes` (before any spectrum is computed).
    ///
    /// - Throws: ``Planning/SensitivityProfileError`` for an unreadable profile, a failure naming a
    ///   matrix the checkpoint does not have (or has in another shape).
    static func profile(path profilePath: String, checkpointPath: String, shapes: [String: (rows: Int, columns: Int)]) throws -> SensitivityProfile {
        let profile = try SensitivityProfile.load(path: profilePath)
        for matrix in profile.matrices {
            guard let shape = shapes[matrix.name] else {
                throw PlanOptions.Failure("\(profilePath) was measured on another checkpoint: \(checkpointPath) has no compressible matrix \(matrix.name)")
            }
            guard shape.rows == matrix.rows, shape.columns == matrix.columns else {
                throw PlanOptions.Failure("\(profilePath) was measured on another checkpoint: its \(matrix.name) is \(matrix.rows)×\(matrix.columns), \(checkpointPath)'s is \(shape.rows)×\(shape.columns)")
            }
        }
        if profile.version < 2 {
            Termination.printError("rankscope: note: \(profilePath) is a version-\(profile.version) profile without standard errors; its probes are taken as exact, without shrinkage. Measure it again with `rankscope sensitivity` for noise-aware predictions.")
        } else if profile.hasStandardErrors && !profile.isSplittable {
            Termination.printError("rankscope: note: \(profilePath) has no increases per window (version 2) or fewer than 4 windows, so the allocator and the prediction read the same probes and an allocated plan's prediction is optimistic. Measure it again with `rankscope sensitivity` (version 3, 8 windows or more).")
        }
        return profile
    }

    /// The shapes of `catalog`'s compressible matrices, by name.
    static func shapes(of catalog: LayerCatalog) -> [String: (rows: Int, columns: Int)] {
        Dictionary(uniqueKeysWithValues: catalog.compressibleEntries.compactMap { entry in entry.matrixShape.map { (entry.info.name, $0) } })
    }

    /// The prediction of `profile` (read from `profilePath`) over `singularValues` (all of them,
    /// of the kind the plan uses: data-aware when `dataAware`; a mismatch with the profile's
    /// truncation is warned about).
    static func prediction(_ profile: SensitivityProfile, profilePath: String, singularValues: [String: [Double]], dataAware: Bool) -> QualityPrediction {
        let profiledDataAware = profile.settings.truncation == .dataAware
        if profiledDataAware != dataAware {
            Termination.printError("rankscope: warning: \(profilePath) was measured with " + (profiledDataAware ? "data-aware truncation (--stats) but the plan uses weight spectra; give --stats too" : "plain truncation but the plan uses data-aware spectra (--stats); measure the profile with --stats too")
                                   + ", or the prediction reads the wrong tail energies.")
        }
        return QualityPrediction(profile: profile, singularValues: singularValues)
    }

    /// The predicted figure in the loss's own terms: perplexity (with the log-loss) or embedding cosine.
    static func figure(_ quality: PredictedQuality) -> String {
        if let perplexity = quality.perplexity {
            return String(format: "perplexity %@ (original %@; next-token log-loss %.4f + %.4f)",
                          Formatting.significant(perplexity), Formatting.significant(exp(quality.originalLoss)), quality.originalLoss, quality.lossIncrease)
        }
        return String(format: "embedding cosine to the original %.4f (1 − the matrices' combined increase %.4f)", quality.embeddingCosine ?? 0, quality.lossIncrease)
    }

    /// What `plan` (named `plan` in the line) measured in company over `--calibration-text` says:
    /// the figure on that text's original, its ±2 SE range between windows and how far the rule
    /// was off; nothing for the rule's own prediction.
    static func calibrationLines(_ quality: PredictedQuality, plan: String) -> [String] {
        guard let calibration = quality.calibration else { return [] }
        let range = quality.figureRange().map { range in
            quality.perplexity != nil ? " (±2 SE between windows: " + Formatting.significant(range.lowerBound) + "–" + Formatting.significant(range.upperBound) + ")"
                                      : String(format: " (±2 SE: %.4f–%.4f)", range.lowerBound, range.upperBound)
        } ?? ""
        let increase = String(format: "%.4f", quality.lossIncrease) + (quality.increaseStandardError.map { String(format: " ± %.4f", $0) } ?? "")
        let rule = zip2(calibration.ruleIncrease, quality.ruleRatio).map { rule, ratio in
            String(format: "; the profile's rule predicted %.4f, so the plan measured ×%.2f of it", rule, ratio)
        } ?? ""
        let figure = quality.perplexity.map { perplexity in
            "perplexity " + Formatting.significant(perplexity) + range + " against the original's " + Formatting.significant(exp(quality.originalLoss))
                + " there; next-token log-loss + " + increase
        } ?? String(format: "embedding cosine to the original %.4f", quality.embeddingCosine ?? 0) + range + " (1 − " + increase + ")"
        return ["\(plan) measured in company over the calibration text \(calibration.text) (\(calibration.workload)), compressed in memory as `compress` writes it: "
                + figure + rule + "."]
    }

    /// What the prediction says of a plan, in the loss's own terms: perplexity for a causal LM,
    /// embedding cosine for an encoder, and how many matrices have no figure.
    static func lines(_ quality: PredictedQuality, profilePath: String) -> [String] {
        let figure = Self.figure(quality)
        let rule = quality.combination == .additive
            ? "increases added over matrices"
            : String(format: "increases added (%.4f), then ×%.3f as the profile's joint probes measured at that depth", quality.additiveIncrease,
                     quality.combination.ratio(atSum: quality.additiveIncrease))
        let half = quality.crossFitted ? "read on the odd half of its windows, the allocator reads the even half; " : ""
        var lines = ["Predicted quality (sensitivity profile \(profilePath), \(half)\(rule)): " + figure + "."]
        if let range = quality.figureRange(), let error = quality.increaseStandardError {
            let ends = quality.metric == .nextTokenLoss
                ? "perplexity " + Formatting.significant(range.lowerBound) + " to " + Formatting.significant(range.upperBound)
                : String(format: "embedding cosine %.4f to %.4f", range.lowerBound, range.upperBound)
            lines.append(String(format: "Noise: the matrices' probes and the joint probes' spread between windows give a standard error of %.4f (taken as independent); ±2 of them span ", error)
                         + ends + ".")
        }
        if !quality.unpredicted.isEmpty {
            lines.append("No figure for \(quality.unpredicted.count) matrices (dense quantized, CALDERA, factor bits not probed, or not in the profile), left out: "
                         + quality.unpredicted.prefix(3).joined(separator: ", ") + (quality.unpredicted.count > 3 ? ", …" : "") + ".")
        }
        if !quality.extrapolated.isEmpty {
            lines.append("\(quality.extrapolated.count) matrices are cut below the profile's smallest probed rank, so their figures are extrapolated"
                         + " (from that probe as the power of t the profile's deepest probes follow) and less certain;"
                         + " probe lower ranks with `rankscope sensitivity --ranks`: "
                         + quality.extrapolated.prefix(3).joined(separator: ", ") + (quality.extrapolated.count > 3 ? ", …" : "") + ".")
        }
        return lines
    }
}
