import Foundation
import SafeTensors

/// A checkpoint loaded for inference: the llama family, GPT-2, GPTBigCode or a BERT encoder, run
/// in float32 on OpenBLAS `sgemm`.
///
/// Every weight the forward pass uses is converted to Float once at load, so memory is about
/// 4 bytes per used parameter (540 MB for SmolLM2-135M) plus activations of one batch; tied
/// output heads share the embedding array. Every linear layer is a ``LinearOperator`` under its
/// module name (the checkpoint's weight name without `.weight`; the output head is `lm_head`),
/// so a compressed layer replaces it with ``replaceLinear(_:with:)``.
public final class TransformerModel {
    /// Called with each linear layer's input just before it runs: module name, rows (tokens ×
    /// width, row-major), token count and width. Activation statistics are collected this way.
    public typealias InputObserver = (_ module: String, _ input: UnsafePointer<Float>, _ rows: Int, _ width: Int) -> Void
    /// Called with the residual stream (`rows × hidden`, row-major) as block `block` starts.
    public typealias BlockObserver = (_ block: Int, _ state: UnsafePointer<Float>, _ rows: Int, _ width: Int) -> Void

    /// The checkpoint path as given.
    public let path: String
    /// The architecture facts from `config.json`.
    public let hyperparameters: ModelHyperparameters
    /// Linear module names in the order the forward pass runs them.
    public let linearNames: [String]
    /// The linear layers by module name.
    public private(set) var linears: [String: any LinearOperator]
    /// Non-linear tensors (embeddings, norms) by checkpoint name.
    let tensors: [String: [Float]]
    /// The checkpoint's name prefix of the body (`model.`, `transformer.`, `bert.` or empty).
    let prefix: String
    /// Matrices of the checkpoint (`<module>.weight`, two dimensions) that the forward pass does not
    /// use, such as BERT's `pooler.dense` under mean pooling: a compressed form of them changes
    /// nothing the runtime computes.
    public let unusedModules: Set<String>
    /// Receives every linear layer's input while set.
    public var inputObserver: InputObserver?
    /// Receives the residual stream at the start of every block (and, as block `layers`, after the
    /// last one) while set: what ``BlockState`` keeps to rerun a forward pass from a block on.
    public var blockObserver: BlockObserver?
    /// Asked at the start of every block and every chunk of output-head logits while set: when it
    /// answers true, the forward pass stops there with `LinearAlgebraError.cancelled` (so Ctrl-C
    /// during `eval` waits at most one block, not a whole batch of windows).
    public var isCancelled: (() -> Bool)?

    /// Loads the model in the checkpoint at `path` (a folder, index or `.safetensors` file with
    /// `config.json` beside it).
    ///
    /// - Throws: ``ModelRuntimeError`` for a missing `config.json`, an unknown `model_type` or a
    ///   tensor the architecture needs that is missing or misshapen; ``SafeTensorsError`` for an
    ///   unreadable checkpoint.
    public convenience init(path: String) throws {
        let checkpoint = try Checkpoint(path: path)
        try self.init(checkpoint: checkpoint)
    }

    /// Loads the model from an opened checkpoint.
    public init(checkpoint: Checkpoint) throws {
        guard let config = checkpoint.config else {
            var isFolder: ObjCBool = false
            let folder = FileManager.default.fileExists(atPath: checkpoint.path, isDirectory: &isFolder) && isFolder.boolValue
                ? checkpoint.path : (checkpoint.path as NSString).deletingLastPathComponent
            throw ModelRuntimeError.missingConfig(folder: folder.isEmpty ? "." : folder)
        }
        let hyperparameters = try ModelHyperparameters(config: config)
        let reader = WeightReader(checkpoint: checkpoint)
        let loaded: LoadedWeights
        switch hyperparameters.family {
        case .llama: loaded = try Self.loadLlama(hyperparameters, reader)
        case .gpt2, .gptBigCode: loaded = try Self.loadGPT(hyperparameters, reader)
        case .bert: loaded = try Self.loadBERT(hyperparameters, reader)
        }
        self.path = checkpoint.path
        self.hyperparameters = hyperparameters
        self.linearNames = loaded.order
        self.linears = loaded.linears
        self.tensors = loaded.tensors
        self.prefix = loaded.prefix
        self.unusedModules = Set(checkpoint.tensors.compactMap { tensor -> String? in
            guard tensor.info.shape.count == 2, tensor.name.hasSuffix(".weight"), loaded.tensors[tensor.name] == nil else { return nil }
            let module = String(tensor.name.dropLast(".weight".count))
            return loaded.linears[module] == nil ? module : nil
        })
    }

    /// What a family's loader returns.
    struct LoadedWeights {
        var prefix: String
        var tensors: [String: [Float]] = [:]
        var linears: [String: any LinearOperator] = [:]
        var order: [String] = []

        mutating func add(_ name: String, _ linear: any LinearOperator) {
            linears[name] = linear
            order.append(name)
        }
    }

    /// Replaces the linear layer `module` by `replacement` (a compressed form of it), which must
    /// map the same input width to the same output width.
    public func replaceLinear(_ module: String, with replacement: any LinearOperator) throws {
        guard let current = linears[module] else { throw ModelRuntimeError.unknownModule(name: module) }
        guard current.outputCount == replacement.outputCount, current.inputCount == replacement.inputCount else {
            throw ModelRuntimeError.operatorShape(module: module, expected: (current.outputCount, current.inputCount),
                                                  found: (replacement.outputCount, replacement.inputCount))
        }
        linears[module] = replacement
    }

    /// Whether the checkpoint stores `module`'s weight as `[in, out]` (GPT-2's Conv1D) rather than
    /// `[out, in]`; the runtime turned it around at load, and a compressed form of it must be too.
    public func storesWeightTransposed(_ module: String) -> Bool {
        hyperparameters.family == .gpt2 && module != "lm_head" && linears[module] != nil
    }

    /// Parameters of all linear layers as they are now (compressed layers count their factors).
    public var linearParameterCount: Int { linears.values.reduce(0) { $0 + $1.parameterCount } }

    /// Parameters (weights and biases) of the linear layers inside the transformer blocks: the
    /// matrices a plan compresses, without the output head (`lm_head`, often the tied embedding).
    public var blockLinearParameterCount: Int {
        linears.reduce(0) { sum, entry in
            guard let block = block(of: entry.key), block < hyperparameters.layers else { return sum }
            return sum + entry.value.parameterCount
        }
    }

    /// Runs linear `module` on `rows` rows of `input` into `output` (adding when `accumulate`),
    /// telling the observer first.
    func linear(_ module: String, _ input: UnsafePointer<Float>, rows: Int, into output: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        let layer = linears[module]!
        inputObserver?(module, input, rows, layer.inputCount)
        layer.apply(input, rows: rows, into: output, accumulate: accumulate)
    }

    /// The non-linear tensor `name` (loaded with the model).
    func tensor(_ name: String) -> [Float] { tensors[name]! }

    /// Writes the embedding rows of `tokens` into `output` (`tokens.count × width`).
    func gather(_ table: String, tokens: [Int], width: Int, into output: UnsafeMutablePointer<Float>) throws {
        let rows = tensors[table]!
        let count = rows.count / width
        for token in tokens where token < 0 || token >= count {
            throw ModelRuntimeError.tokenOutOfRange(id: token, vocabularySize: count)
        }
        rows.withUnsafeBufferPointer { r in
            for (index, token) in tokens.enumerated() {
                (output + index * width).update(from: r.baseAddress! + token * width, count: width)
            }
        }
    }

    /// The row ranges of sequences packed one after another.
    static func packedRanges(_ sequences: [[Int]]) -> [Range<Int>] {
        var start = 0
        return sequences.map { sequence in
            defer { start += sequence.count }
            return start..<(start + sequence.count)
        }
    }
}
