import Foundation

/// Rotary position embedding in the Hugging Face "rotate half" layout: in each head, element `i`
/// pairs with `i + d/2` and both turn by `position · f_i`. Angles are computed in float64.
struct RotaryEmbedding {
    let dimension: Int
    let theta: Double
    let scaling: RopeScaling

    /// Rotates every head of `x` (`rows` rows of `heads · dimension`, row stride `stride`) in
    /// place; row `r` of `sequence` sits at position `r − sequence.lowerBound`.
    func apply(_ x: UnsafeMutablePointer<Float>, sequences: [Range<Int>], heads: Int, stride: Int) {
        let half = dimension / 2
        for sequence in sequences {
            let (inverse, positionScale) = scaling.frequencies(theta: theta, dimension: dimension, length: sequence.count)
            var cosines = [Float](repeating: 0, count: half)
            var sines = [Float](repeating: 0, count: half)
            for (offset, row) in sequence.enumerated() {
                let position = Double(offset) * positionScale
                for i in 0..<half {
                    let angle = position * inverse[i]
                    cosines[i] = Float(cos(angle))
                    sines[i] = Float(sin(angle))
                }
                for head in 0..<heads {
                    let v = x + row * stride + head * dimension
                    for i in 0..<half {
                        let a = v[i], b = v[i + half]
                        v[i] = a * cosines[i] - b * sines[i]
                        v[i + half] = b * cosines[i] + a * sines[i]
                    }
                }
            }
        }
    }
}
