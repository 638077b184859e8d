import Foundation

extension SensitivityProfile {
    /// One of two independent halves of the text a profile measured: the even-numbered windows
    /// (causal LMs) or sentences (encoders), or the odd-numbered ones. Interleaved, so that both
    /// halves cover the whole text.
    public enum Half: Int, Sendable, CaseIterable {
        /// Windows 0, 2, 4, …: what the quality allocator reads (``QualityPrediction/CrossFit``).
        case even = 0
        /// Windows 1, 3, 5, …: what the prediction of a plan reads.
        case odd = 1
    }

    /// Whether every probe and joint probe records its increase per window, at least two per half,
    /// so that the profile can be split (``half(_:)``): version 3 on, over 4 windows or more.
    public var isSplittable: Bool {
        let points = matrices.flatMap(\.points).map(\.lossIncreaseWindows) + (joint ?? []).map(\.lossIncreaseWindows)
        return !points.isEmpty && points.allSatisfy { ($0?.count ?? 0) >= 4 }
    }

    /// The profile measured on `half` of its windows alone: each probe's increase the mean of
    /// those windows' increases, its standard error theirs (``PairedStandardError/ofMean(_:)``),
    /// its loss the original's plus that increase; nil unless ``isSplittable``. The two halves'
    /// probes are independent measurements: an allocation chosen on one half and judged on the
    /// other is not flattered by the noise it chose on.
    public func half(_ half: Half) -> SensitivityProfile? {
        guard isSplittable else { return nil }
        var result = self
        result.matrices = matrices.map { matrix in
            var matrix = matrix
            matrix.points = matrix.points.map { $0.restricted(to: half, originalLoss: originalLoss) }
            return matrix
        }
        result.joint = joint?.map { $0.restricted(to: half, originalLoss: originalLoss) }
        return result
    }
}

/// A probe that records its loss increase per window (``SensitivityProfile/Point``,
/// ``SensitivityProfile/JointProbe``), so that it can be read on half of its windows.
protocol WindowedProbe {
    var loss: Double { get set }
    var lossIncrease: Double { get set }
    var lossIncreaseStandardError: Double? { get set }
    var lossIncreaseWindows: [Double]? { get set }
}

extension WindowedProbe {
    /// The probe measured on `half`'s windows alone: its increase their mean, its standard error
    /// theirs (``PairedStandardError/ofMean(_:)``), its loss `originalLoss` plus that increase.
    /// Only for probes with windows (``SensitivityProfile/isSplittable``).
    func restricted(to half: SensitivityProfile.Half, originalLoss: Double) -> Self {
        var probe = self
        let windows = lossIncreaseWindows!.enumerated().filter { $0.offset % 2 == half.rawValue }.map(\.element)
        probe.lossIncrease = windows.reduce(0, +) / Double(windows.count)
        probe.loss = originalLoss + probe.lossIncrease
        probe.lossIncreaseStandardError = PairedStandardError.ofMean(windows)
        probe.lossIncreaseWindows = windows
        return probe
    }
}

extension SensitivityProfile.Point: WindowedProbe {}
extension SensitivityProfile.JointProbe: WindowedProbe {}
