import Foundation

/// Row normalisations, with each row's statistics summed in float64 (a 4096-wide row of float32
/// squares loses digits otherwise) and the result written in float32.
enum Normalization {
    /// RMSNorm in place: `x / sqrt(mean(x²) + ε) · weight`.
    static func rms(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, weight: [Float], epsilon: Double) {
        weight.withUnsafeBufferPointer { w in
            for row in 0..<rows {
                let line = x + row * width
                var sum = 0.0
                for i in 0..<width { let v = Double(line[i]); sum += v * v }
                let scale = 1 / (sum / Double(width) + epsilon).squareRoot()
                for i in 0..<width { line[i] = Float(Double(line[i]) * scale) * w[i] }
            }
        }
    }

    /// LayerNorm in place: `(x − mean) / sqrt(var + ε) · weight + bias`.
    static func layer(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, weight: [Float], bias: [Float], epsilon: Double) {
        weight.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                for row in 0..<rows {
                    let line = x + row * width
                    var sum = 0.0
                    for i in 0..<width { sum += Double(line[i]) }
                    let mean = sum / Double(width)
                    var squares = 0.0
                    for i in 0..<width { let d = Double(line[i]) - mean; squares += d * d }
                    let scale = 1 / (squares / Double(width) + epsilon).squareRoot()
                    for i in 0..<width { line[i] = Float((Double(line[i]) - mean) * scale) * w[i] + b[i] }
                }
            }
        }
    }
}
