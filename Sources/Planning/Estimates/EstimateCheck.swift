import Foundation

/// The one rule for "the measured error is far above the plan's estimate", shared by the
/// compression report, the `compress` table and events, and the explorer's jobs view.
///
/// Why: quantizing small-magnitude weights (8-bit dense at scale 1e-7 measured 0.173 against an
/// estimate of 0.0057) finished with exit 0 and no sign of trouble: F16 scales could not hold such
/// magnitudes precisely (scales now switch to BF16 there), and the error model did not know it.
/// Any such gap left is flagged: a layer is flagged when its
/// measured error exceeds ``ratio`` times the estimate *and* the estimate by more than ``slack``
/// (so two tiny errors never alarm).
public enum EstimateCheck {
    /// How many times the estimate a measured error may reach.
    public static let ratio = 2.0
    /// The absolute margin (in relative-error units) a measured error may exceed the estimate by.
    public static let slack = 0.01

    /// True when `measured` is far above `estimate` (never for an unknown estimate).
    public static func isFarAbove(measured: Double, estimate: Double?) -> Bool {
        guard let estimate, estimate.isFinite else { return false }
        return !measured.isFinite || (measured > ratio * estimate && measured - estimate > slack)
    }

    /// The warning for layer `name`, nil when the measured error is in line with the estimate.
    public static func warning(layer name: String, measured: Double, estimate: Double?) -> String? {
        guard isFarAbove(measured: measured, estimate: estimate), let estimate else { return nil }
        let times = estimate > 0 ? String(format: " (%.0f× the estimate)", measured / estimate) : ""
        return String(format: "%@: measured error %.4g is far above the plan's estimate %.4g", name, measured, estimate) + times
            + "; the error model does not fit this layer's values — check this layer before using the output."
    }
}
