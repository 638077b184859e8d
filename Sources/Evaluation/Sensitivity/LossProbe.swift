import Foundation
import ModelRuntime
import Planning

/// A model's loss on a fixed text, measured again cheaply after one linear layer changes: the
/// original pass records every batch's residual stream at the start of each block
/// (``ModelRuntime/BlockState``), so a probe reruns only the blocks from the changed layer's on.
///
/// Causal LMs: the loss is the mean next-token log-loss over the windows (as `eval`'s perplexity,
/// `ln perplexity`). Encoders: 1 − the mean cosine between each sentence's embedding and the
/// original model's (0 for the original).
public final class LossProbe {
    /// What the loss is measured on.
    public enum Input: Sendable {
        /// Windows of a causal LM (``TokenWindows/perplexityWindows(_:length:maximumTokens:file:)``), run 4 a batch.
        case windows([[Int]])
        /// Tokenized sentences of an encoder, run 16 a batch.
        case sentences([[Int]])
    }

    /// The model probed; its layers are swapped by ``loss(replacing:with:)`` and put back.
    public let model: TransformerModel
    /// The original model's loss.
    public private(set) var originalLoss = 0.0
    /// Which loss.
    public let metric: SensitivityProfile.Metric
    /// Tokens per pass over the text.
    public let tokens: Int
    private let batches: [[[Int]]]
    private var states: [[BlockState]] = []
    private var originalEmbeddings: [[[Float]]] = []
    /// The original's per-token losses of each batch, one array per window (causal LMs).
    private var originalTokenLosses: [[[Double]]] = []

    /// A probe's loss, its increase over the original on each window (causal LMs) or sentence
    /// (encoders), and the standard error of the increase between those windows
    /// (``Planning/PairedStandardError``: whole windows are the independent units).
    public struct Measured: Sendable {
        /// The model's loss.
        public let loss: Double
        /// The standard error of `loss − originalLoss` (nil with fewer than two windows or sentences).
        public let standardError: Double?
        /// The increase on each window or sentence, in the text's order (their mean is the increase:
        /// every window scores as many tokens).
        public let windowIncreases: [Double]
    }

    /// Runs the original model over `input` once, recording what the probes reuse (memory:
    /// `(layers + 1) × tokens × hidden` floats).
    public init(model: TransformerModel, input: Input) throws {
        self.model = model
        switch input {
        case .windows(let windows):
            metric = .nextTokenLoss
            batches = stride(from: 0, to: windows.count, by: 4).map { Array(windows[$0..<min($0 + 4, windows.count)]) }
        case .sentences(let sentences):
            metric = .oneMinusEmbeddingCosine
            batches = stride(from: 0, to: sentences.count, by: 16).map { Array(sentences[$0..<min($0 + 16, sentences.count)]) }
        }
        tokens = batches.joined().reduce(0) { $0 + $1.count }
        var total = 0.0, predicted = 0
        for batch in batches {
            switch metric {
            case .nextTokenLoss:
                let (losses, recorded) = try model.recordingBlockStates { try model.tokenNegativeLogLikelihoods(windows: batch) }
                total += losses.reduce(0, +)
                predicted += losses.count
                originalTokenLosses.append(Self.split(losses, windows: batch))
                states.append(recorded)
            case .oneMinusEmbeddingCosine:
                let (embeddings, recorded) = try model.recordingBlockStates { try model.sentenceEmbeddings(batch, normalize: true) }
                originalEmbeddings.append(embeddings)
                states.append(recorded)
            }
        }
        originalLoss = metric == .nextTokenLoss ? total / Double(max(predicted, 1)) : 0
    }

    /// The model's loss with linear `module` replaced by `replacement` (every other layer as it
    /// is), running each batch from `module`'s block on; the original layer is back afterwards.
    public func loss(replacing module: String, with replacement: any LinearOperator) throws -> Double {
        try loss(replacing: [module: replacement])
    }

    /// The model's loss with each linear module in `replacements` replaced at once (every other
    /// layer as it is), running each batch from the earliest replaced block on; the original
    /// layers are back afterwards.
    public func loss(replacing replacements: [String: any LinearOperator]) throws -> Double {
        try measure(replacing: replacements).loss
    }

    /// ``loss(replacing:)`` with the standard error of the increase (see ``Measured``).
    public func measure(replacing replacements: [String: any LinearOperator]) throws -> Measured {
        var originals: [String: any LinearOperator] = [:]
        var block = Int.max
        for module in replacements.keys {
            guard let original = model.linears[module], let index = model.block(of: module) else {
                throw ModelRuntimeError.unknownModule(name: module)
            }
            originals[module] = original
            block = min(block, index)
        }
        defer { for (module, original) in originals { try? model.replaceLinear(module, with: original) } }
        for (module, replacement) in replacements { try model.replaceLinear(module, with: replacement) }
        var total = 0.0, count = 0
        var differences: [[Double]] = []
        for (index, batch) in batches.enumerated() {
            let start = states[index].first { $0.block == block }
            switch metric {
            case .nextTokenLoss:
                let losses = try model.tokenNegativeLogLikelihoods(windows: batch, from: start)
                total += losses.reduce(0, +)
                count += losses.count
                for (probed, original) in zip(Self.split(losses, windows: batch), originalTokenLosses[index]) {
                    differences.append(zip(probed, original).map { $0 - $1 })
                }
            case .oneMinusEmbeddingCosine:
                let embeddings = try model.sentenceEmbeddings(batch, normalize: true, from: start)
                for (a, b) in zip(originalEmbeddings[index], embeddings) {
                    let value = 1 - EmbeddingComparison.cosine(a, b)
                    total += value
                    differences.append([value])
                }
                count += batch.count
            }
        }
        return Measured(loss: total / Double(max(count, 1)), standardError: PairedStandardError.estimate(differences).standardError,
                        windowIncreases: differences.map { $0.isEmpty ? 0 : $0.reduce(0, +) / Double($0.count) })
    }

    /// `losses` of a batch cut per window (each window scores all its tokens but the first).
    private static func split(_ losses: [Double], windows: [[Int]]) -> [[Double]] {
        var start = 0
        return windows.map { window in
            let end = min(losses.count, start + max(0, window.count - 1))
            defer { start = end }
            return Array(losses[start..<end])
        }
    }
}
