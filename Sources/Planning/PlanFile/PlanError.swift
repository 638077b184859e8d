/// A choice, rule or target that cannot be applied, with one sentence a person can act on.
public enum PlanError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A rank above min(rows, columns) of the matrix.
    case rankAboveFullRank(tensor: String, rank: Int, fullRank: Int)
    /// A negative rank.
    case negativeRank(tensor: String, rank: Int)
    /// Factor bits outside {16, 8, 4, 3, 2}.
    case unsupportedFactorBits(tensor: String, bits: Int)
    /// Backbone (CALDERA Q) bits outside {2, 3, 4}.
    case unsupportedBackboneBits(tensor: String, bits: Int)
    /// An E8P backbone for a matrix whose column count is not a multiple of 8.
    case e8pNeedsMultipleOfEight(tensor: String, columns: Int)
    /// Dense bits outside {16, 8, 4, 3, 2}.
    case unsupportedDenseBits(tensor: String, bits: Int)
    /// A quantization group size below 1.
    case invalidGroupSize(tensor: String, groupSize: Int)
    /// A rank fraction or energy fraction outside [0, 1] (or not a number).
    case fractionOutOfRange(tensor: String, fraction: Double)
    /// A low-rank choice for a tensor that is not a 2-D matrix.
    case notAMatrix(tensor: String)
    /// A rule that needs the singular values of a tensor whose spectrum is not known.
    case spectrumMissing(tensor: String)
    /// A global target that the locked, excluded and minimum choices already exceed (or cannot reach).
    case targetUnreachable(target: String, bestAchievable: String)
    /// A malformed global target (non-positive size, error outside [0, 1]).
    case invalidTarget(String)

    /// One sentence naming the tensor and what to change.
    public var description: String {
        switch self {
        case let .rankAboveFullRank(tensor, rank, fullRank):
            return "\(tensor): rank \(rank) is above the full rank \(fullRank) of the matrix; choose a rank from 0 to \(fullRank)."
        case let .negativeRank(tensor, rank):
            return "\(tensor): rank \(rank) is negative; choose a rank of 0 or more."
        case let .unsupportedFactorBits(tensor, bits):
            return "\(tensor): factor bit width \(bits) is not supported; use 16, 8, 4, 3 or 2."
        case let .unsupportedBackboneBits(tensor, bits):
            return "\(tensor): backbone bit width \(bits) is not supported; use 2, 3 or 4."
        case let .e8pNeedsMultipleOfEight(tensor, columns):
            return "\(tensor): an E8P backbone needs a multiple of 8 columns, not \(columns); use the scalar codebook for this matrix."
        case let .unsupportedDenseBits(tensor, bits):
            return "\(tensor): dense bit width \(bits) is not supported; use 16, 8, 4, 3 or 2, or keep the stored type."
        case let .invalidGroupSize(tensor, groupSize):
            return "\(tensor): quantization group size \(groupSize) must be at least 1."
        case let .fractionOutOfRange(tensor, fraction):
            return "\(tensor): fraction \(fraction) is outside 0…1."
        case let .notAMatrix(tensor):
            return "\(tensor): only 2-D matrices can be factorized; keep this tensor dense."
        case let .spectrumMissing(tensor):
            return "\(tensor): its singular values are not computed yet, so an energy rule cannot pick a rank."
        case let .targetUnreachable(target, best):
            return "The target \(target) cannot be met with the current locks, floors and exclusions; the closest reachable is \(best)."
        case let .invalidTarget(reason):
            return "Invalid target: \(reason)."
        }
    }
}
