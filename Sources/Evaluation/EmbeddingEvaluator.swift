import Foundation
import LinearAlgebra
import ModelRuntime

/// Sentence embeddings of an encoder over a list of tokenized sentences, a few per forward pass.
public enum EmbeddingEvaluator {
    /// The embeddings (mean pooled, unit length) and the throughput.
    public struct Result: Sendable {
        /// One embedding per sentence.
        public let embeddings: [[Float]]
        /// Tokens run through the model.
        public let tokens: Int
        /// Wall time of the forward passes.
        public let seconds: Double
        /// Forward-pass throughput.
        public var tokensPerSecond: Double { seconds > 0 ? Double(tokens) / seconds : 0 }
    }

    /// Embeds `sentences` with `model`, `batch` sentences per forward pass. `isCancelled` is asked
    /// before each batch and, through ``ModelRuntime/TransformerModel/isCancelled``, at the start
    /// of every block.
    ///
    /// - Throws: ``EvaluationInterrupted`` when `isCancelled` answers true; the model's errors.
    public static func embed(_ model: TransformerModel, sentences: [[Int]], batch: Int = 16,
                             isCancelled: @escaping () -> Bool = { false },
                             progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> Result {
        var embeddings: [[Float]] = []
        let start = Date()
        let previous = model.isCancelled
        model.isCancelled = isCancelled
        defer { model.isCancelled = previous }
        progress(0, sentences.count)
        var index = 0
        while index < sentences.count {
            if isCancelled() { throw EvaluationInterrupted(completed: index, total: sentences.count) }
            let group = Array(sentences[index..<min(index + max(batch, 1), sentences.count)])
            do {
                embeddings += try model.sentenceEmbeddings(group, normalize: true)
            } catch LinearAlgebraError.cancelled {
                throw EvaluationInterrupted(completed: index, total: sentences.count)
            }
            index += group.count
            progress(index, sentences.count)
        }
        return Result(embeddings: embeddings, tokens: sentences.reduce(0) { $0 + $1.count },
                      seconds: Date().timeIntervalSince(start))
    }
}
