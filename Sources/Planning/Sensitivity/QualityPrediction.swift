import Foundation

/// The model's loss predicted for any plan from a ``SensitivityProfile`` and each matrix's
/// spectrum: the ``MatrixLossModel`` a quality allocator and the plan figures use.
///
/// **Per matrix**: a low-rank choice at rank k reads the matrix's ``SensitivityCurve`` (its probes
/// at the choice's factor bits, each shrunk toward its role's prior by ``ProbeShrinkage``, continued
/// outside them by the powers of `t` fitted to all the probes read) at the spectrum's relative tail energy `t(k)`. Give the spectra of
/// the kind the profile was measured with (data-aware ones for a profile made with `--stats`).
/// A matrix kept as stored (or dense at 16 bits) adds 0, as does a matrix the runtime does not
/// use; a matrix without probes or spectrum, a choice at factor bits that were not probed, dense
/// quantization and CALDERA have no figure (nil).
///
/// **Combination rule** (``LossCombination``): the model's increase is `g(ΣᵢΔᵢ)`, a monotone map
/// through the profile's joint probes (every matrix truncated at once at one probed fraction),
/// plain addition for a profile without them. The model's predicted loss is `L = L₀ + Δ`;
/// perplexity is `exp(L)`, the encoder's embedding cosine `1 − Δ`.
///
/// **Cross-fitting.** A profile that records its increases per window (version 3, ``SensitivityProfile/isSplittable``)
/// is split into two independent halves of its text (``SensitivityProfile/half(_:)``): the quality
/// allocator reads the even windows (``allocationModel(noiseMargin:)``), every prediction the odd
/// ones. An allocator picks the cuts whose probes read low, partly because their noise read low;
/// judged on the same probes its plan looks better than it is (on SmolLM2-135M allocated plans
/// measured up to 8× their prediction), judged on the other half it does not. The joint probes'
/// measured increases are taken over all windows (they choose nothing). Older profiles are read
/// whole, for both. docs/evaluation.md measures how far the predictions are off on real models.
public struct QualityPrediction: MatrixLossModel {
    /// The measurements (all windows).
    public let profile: SensitivityProfile
    /// The part of ``profile`` the predictions read: its odd windows when it can be split, else all of it.
    public let predictedFrom: SensitivityProfile
    private let curves: [String: [Int: SensitivityCurve]]
    /// The probes' standard errors, read off by the same rule as ``curves`` (interpolated in `t`,
    /// the same powers of `t` outside the probes); only probes that have one.
    private let errorCurves: [String: [Int: SensitivityCurve]]
    private let tails: [String: [Double]]
    private let unused: Set<String>
    /// How the matrices' increases combine (calibrated by the profile's joint probes).
    public let combination: LossCombination
    /// How each factor width's curves continue outside their probes, fitted to the probes read
    /// (``SensitivityCurve/Exponents/fitted(to:factorBits:)``).
    public let exponents: [Int: SensitivityCurve.Exponents]
    /// What the allocator reads: the prediction from the other half (nil: this one).
    private let allocationHalf: Box?

    private final class Box: Sendable {
        let prediction: QualityPrediction
        init(_ prediction: QualityPrediction) { self.prediction = prediction }
    }

    /// The prediction from `profile` and the singular values (descending, all of them) of the
    /// matrices to predict, by tensor name; cross-fitted when the profile can be split.
    public init(profile: SensitivityProfile, singularValues: [String: [Double]]) {
        if let odd = profile.half(.odd), let even = profile.half(.even) {
            self.init(profile: profile, reading: odd, singularValues: singularValues,
                      allocation: QualityPrediction(profile: profile, reading: even, singularValues: singularValues, allocation: nil))
        } else {
            self.init(profile: profile, reading: profile, singularValues: singularValues, allocation: nil)
        }
    }

    /// The prediction reading `part` of `profile`.
    private init(profile: SensitivityProfile, reading part: SensitivityProfile, singularValues: [String: [Double]], allocation: QualityPrediction?) {
        self.profile = profile
        predictedFrom = part
        allocationHalf = allocation.map(Box.init)
        unused = Set(part.unused)
        var tails: [String: [Double]] = [:]
        var curves: [String: [Int: SensitivityCurve]] = [:]
        var errorCurves: [String: [Int: SensitivityCurve]] = [:]
        let shrunk = ProbeShrinkage.increases(of: part)
        let widths = Set(part.matrices.flatMap { $0.points.map(\.factorBits) })
        let exponents = Dictionary(uniqueKeysWithValues: widths.map { ($0, SensitivityCurve.Exponents.fitted(to: part, factorBits: $0)) })
        self.exponents = exponents
        for matrix in part.matrices {
            guard let values = singularValues[matrix.name], !values.isEmpty else { continue }
            let tail = SensitivityCurve.relativeTails(values)
            tails[matrix.name] = tail
            let bits = Set(matrix.points.map(\.factorBits))
            curves[matrix.name] = Dictionary(uniqueKeysWithValues: bits.map { width in
                (width, SensitivityCurve(measured: zip(matrix.points, shrunk[matrix.name]!).filter { $0.0.factorBits == width }.map { point, increase in
                    (tail[min(max(point.rank, 0), values.count)], increase)
                }, exponents: exponents[width]!))
            })
            errorCurves[matrix.name] = Dictionary(uniqueKeysWithValues: bits.compactMap { width in
                let measured = matrix.points.filter { $0.factorBits == width }.compactMap { point in
                    point.lossIncreaseStandardError.map { (tail[min(max(point.rank, 0), values.count)], $0) }
                }
                return measured.isEmpty ? nil : (width, SensitivityCurve(measured: measured, exponents: exponents[width]!))
            })
        }
        self.curves = curves
        self.errorCurves = errorCurves
        self.tails = tails
        combination = Self.combination(part, measured: profile.joint)
    }

    /// The prediction the quality allocator reads: from the even windows of a profile that can
    /// be split, else this one.
    public var allocationPrediction: QualityPrediction { allocationHalf?.prediction ?? self }

    /// The rule calibrated by the joint probes of `profile` (or `measured`, the same probes over
    /// more windows): each joint probe's matrices at their own (shrunk, at least 0) probe at the
    /// probe's rank add up to `Sⱼ` (no spectrum needed), against the measured joint increase `Mⱼ`.
    /// A joint probe some of whose matrices lack a probe at its rank is not used.
    public static func combination(_ profile: SensitivityProfile, measured: [SensitivityProfile.JointProbe]? = nil) -> LossCombination {
        let shrunk = ProbeShrinkage.increases(of: profile)
        let points = (measured ?? profile.joint ?? []).compactMap { joint -> (added: Double, combined: Double, standardError: Double)? in
            let increases = profile.matrices.compactMap { matrix -> Double? in
                let rank = SensitivityProfile.probeRank(fraction: joint.rankFraction, fullRank: min(matrix.rows, matrix.columns))
                return matrix.points.firstIndex { $0.rank == rank && $0.factorBits == joint.factorBits }.map { max(0, shrunk[matrix.name]![$0]) }
            }
            return increases.count == profile.matrices.count ? (increases.reduce(0, +), joint.lossIncrease, joint.lossIncreaseStandardError ?? 0) : nil
        }
        return LossCombination(calibration: points)
    }

    /// ``LossCombination/cost(ofIncrease:)`` of the calibrated rule.
    public func cost(ofIncrease increase: Double) -> Double { combination.cost(ofIncrease: increase) }

    /// ``LossCombination/increase(ofCost:)`` of the calibrated rule.
    public func increase(ofCost cost: Double) -> Double { combination.increase(ofCost: cost) }

    /// The profile's loss, for people.
    public var lossDescription: String { profile.metric.description }

    /// The predicted loss increase when only `matrix` takes `choice` (see the type's rules).
    public func lossIncrease(matrix: String, choice: LayerChoice) -> Double? {
        readOff(curves, matrix: matrix, choice: choice)
    }

    /// The standard error of ``lossIncrease(matrix:choice:)`` from the probes' own (paired)
    /// standard errors, before shrinkage, read off the same way: 0 where the figure is 0 by rule,
    /// nil where there is no figure or the probes have no standard errors (version-1 profiles).
    public func lossIncreaseStandardError(matrix: String, choice: LayerChoice) -> Double? {
        readOff(errorCurves, matrix: matrix, choice: choice)
    }

    /// True when `matrix` at `choice` is cut below its smallest probed rank, so its figure is
    /// extrapolated (``SensitivityCurve/isExtrapolated(atTail:)``) rather than measured around.
    public func isExtrapolated(matrix: String, choice: LayerChoice) -> Bool {
        guard !unused.contains(matrix), let point = probedPoint(matrix: matrix, choice: choice),
              let curve = curves[matrix]?[point.factorBits] else { return false }
        return curve.isExtrapolated(atTail: point.tail)
    }

    /// `curves`' figure for `matrix` at `choice`, by the type's rules: 0 for an unused matrix and
    /// for one kept as stored (or dense at 16 bits), the curve at the choice's factor bits read at
    /// its tail energy for a plain low-rank choice, nil for everything else.
    private func readOff(_ curves: [String: [Int: SensitivityCurve]], matrix: String, choice: LayerChoice) -> Double? {
        if unused.contains(matrix) { return 0 }
        if case .dense(let bits, _) = choice { return bits == nil || bits == 16 ? 0 : nil }
        guard let point = probedPoint(matrix: matrix, choice: choice), let curve = curves[matrix]?[point.factorBits] else { return nil }
        return curve.increase(atTail: point.tail)
    }

    /// Where a plain low-rank `choice` (no backbone) of `matrix` reads its curves: its factor bits
    /// and the relative tail energy `t(k)` of its rank; nil for any other choice or without a spectrum.
    private func probedPoint(matrix: String, choice: LayerChoice) -> (factorBits: Int, tail: Double)? {
        guard case let .lowRank(rank, factorBits, _, nil, _) = choice, let tail = tails[matrix] else { return nil }
        return (factorBits, tail[min(max(rank, 0), tail.count - 1)])
    }

    /// The predicted quality of a whole plan (every matrix not in `choices` kept as stored).
    public func predict(_ choices: [String: LayerChoice]) -> PredictedQuality {
        var increases: [Double] = []
        var missing: [String] = [], extrapolated: [String] = []
        var variance = 0.0, withErrors = 0
        for (name, choice) in choices.sorted(by: { $0.key < $1.key }) {
            if let increase = lossIncrease(matrix: name, choice: choice) {
                increases.append(increase)
                if let error = lossIncreaseStandardError(matrix: name, choice: choice) {
                    variance += error * error
                    withErrors += 1
                }
                if isExtrapolated(matrix: name, choice: choice) { extrapolated.append(name) }
            } else {
                missing.append(name)
            }
        }
        let added = increases.reduce(0) { $0 + combination.cost(ofIncrease: $1) }
        let calibration = combination.standardError(atSum: added)
        let scaled = combination.ratio(atSum: added) * variance.squareRoot()
        return PredictedQuality(metric: profile.metric, originalLoss: profile.originalLoss, lossIncrease: combination.combine(increases),
                                additiveIncrease: increases.reduce(0, +), combination: combination, unpredicted: missing, extrapolated: extrapolated,
                                increaseStandardError: withErrors > 0 ? (scaled * scaled + calibration * calibration).squareRoot() : nil,
                                crossFitted: allocationHalf != nil)
    }
}

/// A plan's predicted quality (``QualityPrediction/predict(_:)``).
public struct PredictedQuality: Sendable, Equatable {
    /// Which loss.
    public let metric: SensitivityProfile.Metric
    /// The original model's loss.
    public let originalLoss: Double
    /// The matrices' predicted increases combined by ``combination``.
    public let lossIncrease: Double
    /// Their plain sum (what addition would predict).
    public let additiveIncrease: Double
    /// The rule that combined them.
    public let combination: LossCombination
    /// Matrices whose choice has no figure (left out).
    public let unpredicted: [String]
    /// Matrices cut below their smallest probed rank: their figures are extrapolated, and measured
    /// plans with many of them missed more than others (docs/evaluation.md).
    public let extrapolated: [String]
    /// The noise of ``lossIncrease``: the matrices'
    /// ``QualityPrediction/lossIncreaseStandardError(matrix:choice:)`` added in squares (taken as
    /// independent; before shrinkage) and scaled by the combination's ratio `g(S)/S` at the plan's
    /// sum, and the joint probes' standard error between windows read off at that sum
    /// (``LossCombination/standardError(atSum:)``), the two added in squares; nil when the profile
    /// has no standard errors. It says how far the probes' noise and the text's spread from window
    /// to window may move the prediction, not how far another kind of text or the rules take it.
    public let increaseStandardError: Double?
    /// True when the prediction read the odd half of the profile's windows while the allocator
    /// reads the even half (cross-fitting, ``QualityPrediction``).
    public let crossFitted: Bool
    /// Set when the increase is not the rule's but the whole plan measured in company over a
    /// calibration text (``measuredInCompany(metric:originalLoss:lossIncrease:standardError:calibration:)``);
    /// nil for the rule's prediction.
    public let calibration: Calibration?

    /// A prediction (``QualityPrediction/predict(_:)``).
    public init(metric: SensitivityProfile.Metric, originalLoss: Double, lossIncrease: Double, additiveIncrease: Double? = nil,
                combination: LossCombination = .additive, unpredicted: [String], extrapolated: [String] = [], increaseStandardError: Double? = nil,
                crossFitted: Bool = false, calibration: Calibration? = nil) {
        self.crossFitted = crossFitted
        self.calibration = calibration
        self.metric = metric
        self.originalLoss = originalLoss
        self.lossIncrease = lossIncrease
        self.additiveIncrease = additiveIncrease ?? lossIncrease
        self.combination = combination
        self.unpredicted = unpredicted
        self.extrapolated = extrapolated
        self.increaseStandardError = increaseStandardError
    }

    /// The same prediction on another original loss: the matrices' combined increase and its
    /// standard error added to `originalLoss` instead of the profile's. `eval --sensitivity` and the
    /// explorer's measured plans read a causal LM's prediction this way on the original's loss
    /// measured in the same run (the profile may have been measured on other tokens), so the
    /// figure and its ``figureRange(standardErrors:)`` move together.
    public func onOriginalLoss(_ originalLoss: Double) -> PredictedQuality {
        PredictedQuality(metric: metric, originalLoss: originalLoss, lossIncrease: lossIncrease, additiveIncrease: additiveIncrease,
                         combination: combination, unpredicted: unpredicted, extrapolated: extrapolated,
                         increaseStandardError: increaseStandardError, crossFitted: crossFitted, calibration: calibration)
    }

    /// The predicted loss, `originalLoss + lossIncrease`.
    public var loss: Double { originalLoss + lossIncrease }
    /// exp(loss) for a causal LM, else nil.
    public var perplexity: Double? { metric == .nextTokenLoss ? exp(loss) : nil }
    /// 1 − loss for an encoder (mean embedding cosine to the original), else nil.
    public var embeddingCosine: Double? { metric == .oneMinusEmbeddingCosine ? 1 - loss : nil }

    /// The predicted loss increase ± `multiple` ``increaseStandardError``s (the lower end not
    /// below 0); nil without standard errors.
    public func increaseRange(standardErrors multiple: Double = 2) -> ClosedRange<Double>? {
        guard let error = increaseStandardError else { return nil }
        return max(0, lossIncrease - multiple * error)...(lossIncrease + multiple * error)
    }

    /// ``increaseRange(standardErrors:)`` in the figure's own terms: perplexity (causal LMs) or
    /// embedding cosine (encoders), lower figure first; nil without standard errors or when they
    /// are 0 (nothing changed, or only matrices whose figure is 0 by rule). `plan`, `eval`, the
    /// JSON reports and the explorer all show this range.
    public func figureRange(standardErrors multiple: Double = 2) -> ClosedRange<Double>? {
        guard let range = increaseRange(standardErrors: multiple), range.upperBound > range.lowerBound else { return nil }
        if metric == .nextTokenLoss { return exp(originalLoss + range.lowerBound)...exp(originalLoss + range.upperBound) }
        return (1 - originalLoss - range.upperBound)...(1 - originalLoss - range.lowerBound)
    }
}
