import Foundation

/// The model's loss predicted for any plan from a ``SensitivityProfile`` and each matrix's
/// spectrum: the ``MatrixLossModel`` a quality allocator and the plan figures use.
///
/// **Per matrix**: a low-rank choice at rank k reads the matrix's ``SensitivityCurve`` (its probes
/// at the choice's factor bits) at the spectrum's relative tail energy `t(k)`. Give the spectra of
/// the kind the profile was measured with (data-aware ones for a profile made with `--stats`).
/// A matrix kept as stored (or dense at 16 bits) adds 0, as does a matrix the runtime does not
/// use; a matrix without probes or spectrum, a choice at factor bits that were not probed, dense
/// quantization and CALDERA have no figure (nil).
///
/// **Combination rule: additive.** The model's predicted loss is the original loss plus the sum of
/// the matrices' increases, `L = L₀ + Σᵢ Δᵢ`; perplexity is `exp(L)`, the encoder's embedding
/// cosine `1 − Σᵢ Δᵢ`. Interactions between matrices are ignored; docs/evaluation.md measures how far
/// that takes the prediction off.
public struct QualityPrediction: MatrixLossModel {
    /// The measurements.
    public let profile: SensitivityProfile
    private let curves: [String: [Int: SensitivityCurve]]
    private let tails: [String: [Double]]
    private let unused: Set<String>

    /// The prediction from `profile` and the singular values (descending, all of them) of the
    /// matrices to predict, by tensor name.
    public init(profile: SensitivityProfile, singularValues: [String: [Double]]) {
        self.profile = profile
        unused = Set(profile.unused)
        var tails: [String: [Double]] = [:]
        var curves: [String: [Int: SensitivityCurve]] = [:]
        for matrix in profile.matrices {
            guard let values = singularValues[matrix.name], !values.isEmpty else { continue }
            let tail = SensitivityCurve.relativeTails(values)
            tails[matrix.name] = tail
            let bits = Set(matrix.points.map(\.factorBits))
            curves[matrix.name] = Dictionary(uniqueKeysWithValues: bits.map { width in
                (width, SensitivityCurve(measured: matrix.points.filter { $0.factorBits == width }.map { point in
                    (tail[min(max(point.rank, 0), values.count)], point.lossIncrease)
                }))
            })
        }
        self.curves = curves
        self.tails = tails
    }

    /// The profile's loss, for people.
    public var lossDescription: String { profile.metric.description }

    /// The predicted loss increase when only `matrix` takes `choice` (see the type's rules).
    public func lossIncrease(matrix: String, choice: LayerChoice) -> Double? {
        if unused.contains(matrix) { return 0 }
        switch choice {
        case .dense(let bits, _):
            return bits == nil || bits == 16 ? 0 : nil
        case let .lowRank(rank, factorBits, _, backboneBits):
            guard backboneBits == nil, let tail = tails[matrix], let curve = curves[matrix]?[factorBits] else { return nil }
            let t = tail[min(max(rank, 0), tail.count - 1)]
            return curve.increase(atTail: t)
        }
    }

    /// The predicted quality of a whole plan (every matrix not in `choices` kept as stored).
    public func predict(_ choices: [String: LayerChoice]) -> PredictedQuality {
        var total = 0.0
        var missing: [String] = []
        for (name, choice) in choices.sorted(by: { $0.key < $1.key }) {
            if let increase = lossIncrease(matrix: name, choice: choice) {
                total += increase
            } else {
                missing.append(name)
            }
        }
        return PredictedQuality(metric: profile.metric, originalLoss: profile.originalLoss, lossIncrease: total, unpredicted: missing)
    }
}

/// A plan's predicted quality (``QualityPrediction/predict(_:)``).
public struct PredictedQuality: Sendable, Equatable {
    /// Which loss.
    public let metric: SensitivityProfile.Metric
    /// The original model's loss.
    public let originalLoss: Double
    /// Σ of the matrices' predicted increases.
    public let lossIncrease: Double
    /// Matrices whose choice has no figure (left out of the sum).
    public let unpredicted: [String]

    /// The predicted loss, `originalLoss + lossIncrease`.
    public var loss: Double { originalLoss + lossIncrease }
    /// exp(loss) for a causal LM, else nil.
    public var perplexity: Double? { metric == .nextTokenLoss ? exp(loss) : nil }
    /// 1 − loss for an encoder (mean embedding cosine to the original), else nil.
    public var embeddingCosine: Double? { metric == .oneMinusEmbeddingCosine ? 1 - loss : nil }
}
