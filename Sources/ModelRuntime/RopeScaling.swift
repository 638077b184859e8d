import Foundation

/// The `rope_scaling` variants of `config.json` the runtime implements.
public enum RopeScaling: Sendable, Equatable {
    /// No scaling.
    case none
    /// Positions divided by `factor` (`"linear"`).
    case linear(factor: Double)
    /// Dynamic NTK (`"dynamic"`): the base grows once a sequence outgrows `max_position_embeddings`.
    case dynamic(factor: Double, maximumPositions: Int)
    /// Llama 3.1's frequency-band scaling (`"llama3"`).
    case llama3(factor: Double, lowFrequencyFactor: Double, highFrequencyFactor: Double, originalMaximumPositions: Int)

    /// The inverse frequencies `θ^(-2i/d)` for a rotary dimension `dimension`, adjusted for a
    /// sequence of `length` tokens, and the factor positions are divided by.
    func frequencies(theta: Double, dimension: Int, length: Int) -> (inverse: [Double], positionScale: Double) {
        func base(_ theta: Double) -> [Double] {
            stride(from: 0, to: dimension, by: 2).map { 1 / pow(theta, Double($0) / Double(dimension)) }
        }
        switch self {
        case .none:
            return (base(theta), 1)
        case .linear(let factor):
            return (base(theta), 1 / factor)
        case .dynamic(let factor, let maximumPositions):
            guard length > maximumPositions else { return (base(theta), 1) }
            let grown = theta * pow(factor * Double(length) / Double(maximumPositions) - (factor - 1),
                                    Double(dimension) / Double(dimension - 2))
            return (base(grown), 1)
        case .llama3(let factor, let low, let high, let original):
            let lowWavelength = Double(original) / low
            let highWavelength = Double(original) / high
            let adjusted = base(theta).map { frequency -> Double in
                let wavelength = 2 * Double.pi / frequency
                if wavelength < highWavelength { return frequency }
                if wavelength > lowWavelength { return frequency / factor }
                let smooth = (Double(original) / wavelength - low) / (high - low)
                return (1 - smooth) * frequency / factor + smooth * frequency
            }
            return (adjusted, 1)
        }
    }
}
