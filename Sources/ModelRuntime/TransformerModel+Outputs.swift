import Foundation

/// What callers read from a forward pass: hidden states, logits, the negative log-likelihood of
/// next tokens (perplexity) and pooled sentence embeddings.
extension TransformerModel {
    /// Rows of output-head logits computed at a time, so a batch's logits never sit in memory
    /// whole (2048 tokens × 128k vocabulary would be 1 GiB).
    static let logitRowsPerChunk = 64

    /// The hidden states after the last block of packed `sequences` (`Σ lengths × hidden`,
    /// row-major): after the final norm for causal models, the last layer's output for encoders.
    public func hiddenStates(_ sequences: [[Int]]) throws -> [Float] {
        let buffer = try finalHidden(sequences)
        return Array(UnsafeBufferPointer(start: buffer.pointer, count: buffer.count))
    }

    /// The next-token logits of one sequence, `tokens.count × vocabulary`, row-major.
    public func logits(_ tokens: [Int]) throws -> [Float] {
        try requireCausal("logits")
        let hidden = try finalHidden([tokens])
        let head = linears["lm_head"]!
        var out = [Float](repeating: 0, count: tokens.count * head.outputCount)
        out.withUnsafeMutableBufferPointer { o in
            linear("lm_head", hidden.pointer, rows: tokens.count, into: o.baseAddress!)
        }
        return out
    }

    /// The summed negative log-likelihood (natural log, float64) of every token after the first
    /// in each window, and how many tokens it sums over; windows are run together as one batch.
    /// Perplexity is `exp(total / predicted)`.
    ///
    /// With `start` (the residual stream of these same windows as a block begins, see
    /// ``BlockState``), only the blocks from there on run.
    public func negativeLogLikelihood(windows: [[Int]], from start: BlockState? = nil) throws -> (total: Double, predicted: Int) {
        let losses = try tokenNegativeLogLikelihoods(windows: windows, from: start)
        return (losses.reduce(0, +), losses.count)
    }

    /// The negative log-likelihood (natural log, float64) of every token after the first in each
    /// window, in order (window by window): what ``negativeLogLikelihood(windows:from:)`` sums.
    public func tokenNegativeLogLikelihoods(windows: [[Int]], from start: BlockState? = nil) throws -> [Double] {
        try requireCausal("perplexity")
        let hidden = try finalHidden(windows, from: start)
        let head = linears["lm_head"]!
        let vocabulary = head.outputCount, width = hyperparameters.hidden
        var targets: [Int] = []   // next token of each row, -1 at a window's end
        for window in windows {
            targets += window.dropFirst()
            if !window.isEmpty { targets.append(-1) }
        }
        let chunk = FloatBuffer(count: Self.logitRowsPerChunk * vocabulary)
        var losses: [Double] = []
        losses.reserveCapacity(targets.count)
        var row = 0
        while row < targets.count {
            try stopIfCancelled()
            let count = min(Self.logitRowsPerChunk, targets.count - row)
            linear("lm_head", hidden.pointer + row * width, rows: count, into: chunk.pointer)
            for r in 0..<count where targets[row + r] >= 0 {
                let line = chunk.pointer + r * vocabulary
                var maximum = -Float.infinity
                for j in 0..<vocabulary { maximum = max(maximum, line[j]) }
                var sum = 0.0
                for j in 0..<vocabulary { sum += exp(Double(line[j] - maximum)) }
                let target = targets[row + r]
                guard target < vocabulary else { throw ModelRuntimeError.tokenOutOfRange(id: target, vocabularySize: vocabulary) }
                losses.append(log(sum) + Double(maximum) - Double(line[target]))
            }
            row += count
        }
        return losses
    }

    /// Sentence embeddings as sentence-transformers computes them: the mean of each sentence's
    /// last hidden states over its tokens (float64 sums), unit length when `normalize`.
    /// With `start`, only the blocks from there on run (as for ``negativeLogLikelihood(windows:from:)``).
    public func sentenceEmbeddings(_ sentences: [[Int]], normalize: Bool, from start: BlockState? = nil) throws -> [[Float]] {
        guard hyperparameters.family == .bert else {
            throw ModelRuntimeError.wrongModelKind(operation: "sentence embeddings", modelType: hyperparameters.modelType)
        }
        let hidden = try finalHidden(sentences, from: start)
        let width = hyperparameters.hidden
        return Self.packedRanges(sentences).map { range in
            var sums = [Double](repeating: 0, count: width)
            for row in range {
                for i in 0..<width { sums[i] += Double(hidden.pointer[row * width + i]) }
            }
            var mean = sums.map { $0 / Double(max(range.count, 1)) }
            if normalize {
                let norm = mean.reduce(0) { $0 + $1 * $1 }.squareRoot()
                if norm > 0 { mean = mean.map { $0 / max(norm, 1e-12) } }
            }
            return mean.map { Float($0) }
        }
    }

    /// Runs the family's forward pass, from block `start.block` on when `start` is given.
    func finalHidden(_ sequences: [[Int]], from start: BlockState? = nil) throws -> FloatBuffer {
        switch hyperparameters.family {
        case .llama: return try llamaHidden(sequences, from: start)
        case .gpt2, .gptBigCode: return try gptHidden(sequences, from: start)
        case .bert: return try bertHidden(sequences, from: start)
        }
    }

    private func requireCausal(_ operation: String) throws {
        guard hyperparameters.family.isCausal else {
            throw ModelRuntimeError.wrongModelKind(operation: operation, modelType: hyperparameters.modelType)
        }
    }
}
