import Foundation

/// How far a candidate encoder's sentence embeddings are from the original's: the cosine between
/// each sentence's two embeddings, and the Pearson correlation between the two models' pairwise
/// cosine similarities over all sentence pairs (what retrieval and clustering depend on).
public struct EmbeddingComparison: Sendable, Equatable {
    /// Mean over sentences of cos(original, candidate).
    public let meanCosine: Double
    /// The smallest of those cosines.
    public let minimumCosine: Double
    /// Pearson correlation of the `s(s−1)/2` pairwise similarities of the two models.
    public let similarityCorrelation: Double
    /// Sentences compared.
    public let sentences: Int

    /// Compares two lists of embeddings of the same sentences (at least two).
    public init(original: [[Float]], candidate: [[Float]]) {
        precondition(original.count == candidate.count && original.count >= 2, "EmbeddingComparison needs two lists of the same ≥ 2 sentences")
        let cosines = zip(original, candidate).map { Self.cosine($0, $1) }
        meanCosine = cosines.reduce(0, +) / Double(cosines.count)
        minimumCosine = cosines.min()!
        var a: [Double] = [], b: [Double] = []
        for i in 0..<original.count {
            for j in (i + 1)..<original.count {
                a.append(Self.cosine(original[i], original[j]))
                b.append(Self.cosine(candidate[i], candidate[j]))
            }
        }
        similarityCorrelation = Self.pearson(a, b)
        sentences = original.count
    }

    /// cos(x, y) in float64.
    public static func cosine(_ x: [Float], _ y: [Float]) -> Double {
        var dot = 0.0, xx = 0.0, yy = 0.0
        for (u, v) in zip(x, y) {
            dot += Double(u) * Double(v); xx += Double(u) * Double(u); yy += Double(v) * Double(v)
        }
        return xx > 0 && yy > 0 ? dot / (xx * yy).squareRoot() : 0
    }

    /// Pearson correlation; 1 when both series are constant and equal, 0 when one is constant.
    static func pearson(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (x, y) in zip(a, b) { sab += (x - ma) * (y - mb); saa += (x - ma) * (x - ma); sbb += (y - mb) * (y - mb) }
        if saa == 0 || sbb == 0 { return a == b ? 1 : 0 }
        return sab / (saa * sbb).squareRoot()
    }
}
