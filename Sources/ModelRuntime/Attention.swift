import Foundation

/// Scaled dot-product attention over packed sequences: each sequence (a range of rows) attends
/// only to itself, which is what a padded batch with an attention mask computes, without the
/// padding. Scores and weighted sums are `sgemm`s per head; the softmax sums in float64.
enum Attention {
    /// Writes the attention output (`rows × heads·d`, packed) into `output`.
    ///
    /// - Parameters:
    ///   - causal: row `i` sees rows `≤ i` of its sequence.
    ///   - window: with `causal`, row `i` sees only the last `window` rows (sliding window).
    static func run(_ layout: AttentionLayout, sequences: [Range<Int>], causal: Bool, window: Int?,
                    output: UnsafeMutablePointer<Float>) {
        let d = layout.headDimension
        let outputStride = layout.heads * d
        let group = layout.heads / layout.keyValueHeads
        let scale = Float(1 / Double(d).squareRoot())
        let longest = sequences.map(\.count).max() ?? 0
        let scores = FloatBuffer(count: longest * longest)
        for sequence in sequences where !sequence.isEmpty {
            let length = sequence.count
            let first = sequence.lowerBound
            for head in 0..<layout.heads {
                let kvHead = head / group
                let q = layout.query + first * layout.queryStride + head * layout.queryHeadStride
                let k = layout.key + first * layout.keyValueStride + kvHead * layout.keyValueHeadStride
                let v = layout.value + first * layout.keyValueStride + kvHead * layout.keyValueHeadStride
                Matmul.multiply(m: length, n: length, k: d, alpha: scale, a: q, lda: layout.queryStride,
                                b: k, ldb: layout.keyValueStride, transposeB: true, beta: 0, c: scores.pointer, ldc: length)
                softmaxRows(scores.pointer, length: length, causal: causal, window: window)
                Matmul.multiply(m: length, n: d, k: length, a: scores.pointer, lda: length,
                                b: v, ldb: layout.keyValueStride, transposeB: false, beta: 0,
                                c: output + first * outputStride + head * d, ldc: outputStride)
            }
        }
    }

    /// Softmax of each row of the `length × length` score matrix in place, masked entries zero.
    static func softmaxRows(_ scores: UnsafeMutablePointer<Float>, length: Int, causal: Bool, window: Int?) {
        for row in 0..<length {
            let line = scores + row * length
            let end = causal ? row + 1 : length
            let start = causal ? max(0, row + 1 - (window ?? length)) : 0
            var maximum = -Float.infinity
            for j in start..<end { maximum = max(maximum, line[j]) }
            var sum = 0.0
            for j in start..<end {
                let e = expf(line[j] - maximum)
                line[j] = e
                sum += Double(e)
            }
            let inverse = Float(1 / sum)
            for j in 0..<start { line[j] = 0 }
            for j in start..<end { line[j] *= inverse }
            for j in end..<length { line[j] = 0 }
        }
    }
}
