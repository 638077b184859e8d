/// How the ``BudgetAllocator`` combines the per-matrix errors it minimises under a size target.
///
/// Each matrix i has a squared error εᵢ² (its weight error, or its output error with activation
/// statistics) and energy Eᵢ = ‖W‖² (or ‖W·X‖²). The allocator minimises Σ wᵢ·εᵢ², and reports the
/// proxy √(Σ wᵢ·εᵢ²), a relative error in 0…1, with the weights:
/// - ``relative`` (the default): wᵢ = 1/(N·Eᵢ), so the proxy is the root-mean-square of the N
///   matrices' relative errors εᵢ/√Eᵢ. A matrix's norm does not decide its fate: a layer whose
///   weights are small (a model's first block) counts as much as one whose weights are large.
/// - ``relativeParameters``: wᵢ = pᵢ/(P·Eᵢ), the relative errors weighted by each matrix's share
///   of the parameters (pᵢ of P), so a large MLP matrix counts more than a small attention one.
/// - ``squaredError``: wᵢ = 1/ΣE, the model's relative error √(Σεᵢ²/ΣEᵢ): big-norm matrices win
///   the ranks and small-norm ones are cut hardest (the allocator's rule before version 1 of the
///   objective; kept for comparison).
///
/// An error target (`--max-error`) is stated in the model's relative error, so it always allocates
/// in ``squaredError``. The sums run over the compressible matrices with a known spectrum.
public enum AllocationObjective: String, Sendable, CaseIterable, Equatable, Hashable {
    /// Root-mean-square of the matrices' relative errors.
    case relative = "relative"
    /// Relative errors weighted by parameter share.
    case relativeParameters = "relative-params"
    /// The model's relative error √(Σε²/ΣE).
    case squaredError = "squared-error"

    /// The default objective.
    public static let standard = AllocationObjective.relative

    /// The objective named `text` (`relative`, `relative-params`, `squared-error`), nil for others.
    public init?(name text: String) { self.init(rawValue: text.lowercased()) }

    /// The weight wᵢ of a matrix with energy `energy` and `parameters` parameters, among `count`
    /// matrices of `totalParameters` parameters and `totalEnergy` energy; 0 for a matrix with no energy.
    public func weight(energy: Double, parameters: Int, count: Int, totalParameters: Int, totalEnergy: Double) -> Double {
        switch self {
        case .relative:
            return energy > 0 && count > 0 ? 1 / (Double(count) * energy) : 0
        case .relativeParameters:
            return energy > 0 && totalParameters > 0 ? Double(parameters) / (Double(totalParameters) * energy) : 0
        case .squaredError:
            return totalEnergy > 0 ? 1 / totalEnergy : 0
        }
    }

    /// The proxy's name, for people: "RMS relative error over the matrices", ….
    public var proxyDescription: String {
        switch self {
        case .relative: return "RMS of the matrices' relative errors"
        case .relativeParameters: return "parameter-weighted RMS of the matrices' relative errors"
        case .squaredError: return "the model's relative error √(Σε²/Σ‖W‖²)"
        }
    }
}
