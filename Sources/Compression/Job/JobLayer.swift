import Planning
import SafeTensors

/// One matrix a job compresses: the checkpoint tensor, the plan's choice and where its results go.
struct JobLayer: Sendable {
    /// Position in the job's layer list (checkpoint order); names the layer's journal file.
    let ordinal: Int
    /// The original weight.
    let tensor: CheckpointTensor
    /// What the plan does with it (never ``LayerChoice/keep``).
    let choice: LayerChoice
    /// `P` of `P.weight`.
    let module: String
    /// The singular values when known (spares recomputing them for the estimate).
    let singularValues: [Double]?

    var name: String { tensor.name }
    var rows: Int { tensor.info.shape[0] }
    var columns: Int { tensor.info.shape[1] }

    /// True when the output replaces the weight by factors, so `P.bias` moves to `P.1.bias`.
    func isFactorized(materializeDense: Bool) -> Bool {
        if case .lowRank = choice { return !materializeDense }
        return false
    }

    /// The layers `choices` asks for, in checkpoint order, after checking each names a compressible
    /// matrix of `checkpoint` and is possible for its shape. Choices that keep a tensor as stored are skipped.
    static func layers(of checkpoint: Checkpoint, choices: [String: LayerChoice],
                       singularValues: [String: [Double]]) throws -> [JobLayer] {
        for name in choices.keys.sorted() where checkpoint.tensor(named: name) == nil {
            throw JobError.unknownLayer(checkpoint: checkpoint.path, tensor: name)
        }
        var layers: [JobLayer] = []
        for tensor in checkpoint.tensors {
            guard let choice = choices[tensor.name], !choice.keepsStoredTensor else { continue }
            func refuse(_ reason: String) -> JobError {
                JobError.notCompressible(checkpoint: checkpoint.path, tensor: tensor.name, reason: reason)
            }
            let info = tensor.info
            guard info.isMatrix, info.dtype.isDecomposable else {
                throw refuse("it is a \(info.dtype.rawValue) tensor of shape \(info.shape), not a floating-point matrix")
            }
            guard info.shape[0] > 0, info.shape[1] > 0 else { throw refuse("it is empty") }
            guard let module = FactorNaming.modulePath(ofWeight: tensor.name) else {
                throw refuse("its name does not end in .weight, so its factors cannot be named")
            }
            do {
                try choice.validate(tensor: tensor.name, rows: info.shape[0], columns: info.shape[1])
            } catch {
                let text = String(describing: error)
                throw refuse(text.hasSuffix(".") ? String(text.dropLast()) : text)
            }
            layers.append(JobLayer(ordinal: layers.count, tensor: tensor, choice: choice, module: module,
                                   singularValues: singularValues[tensor.name]))
        }
        return layers
    }
}
