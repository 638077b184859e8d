import Compression
import ModelRuntime

extension TransformerModel {
    /// Checks that every compressed layer of `decoded` replaces a linear layer of this model with
    /// the same shape, without changing anything: `eval` calls it before spending time on the
    /// original, so a plan or folder made for another checkpoint is refused at once.
    ///
    /// - Throws: ``ModelRuntimeError/unknownModule(name:)`` for a compressed matrix the runtime
    ///   does not run as a linear layer, ``ModelRuntimeError/operatorShape(module:expected:found:)``
    ///   for one of another shape (the layers of another checkpoint).
    public func checkInstallable(_ decoded: DecodedModel) throws {
        for module in decoded.replacedModules where !unusedModules.contains(module) {
            guard let layer = decoded.layers[module] else { continue }
            guard let current = linears[module] else { throw ModelRuntimeError.unknownModule(name: module) }
            let transposed = storesWeightTransposed(module)
            let (outputs, inputs) = transposed ? (layer.columns, layer.rows) : (layer.rows, layer.columns)
            guard outputs == current.outputCount, inputs == current.inputCount else {
                throw ModelRuntimeError.operatorShape(module: module, expected: (current.outputCount, current.inputCount),
                                                      found: (outputs, inputs))
            }
        }
    }

    /// Swaps every compressed layer of `decoded` into the model (by module name), each run as its
    /// factors or sum (``DecodedLinear/linearOperator(storedTransposed:)``); other layers stay, and
    /// layers the forward pass does not use (``TransformerModel/unusedModules``) are skipped.
    /// Nothing changes when a layer does not fit (``checkInstallable(_:)`` runs first).
    public func install(_ decoded: DecodedModel) throws {
        try checkInstallable(decoded)
        for module in decoded.replacedModules where !unusedModules.contains(module) {
            guard let layer = decoded.layers[module] else { continue }
            try replaceLinear(module, with: layer.linearOperator(storedTransposed: storesWeightTransposed(module)))
        }
    }

    /// Runs `body` with the compressed layers of `decoded` swapped in (``install(_:)``), then puts
    /// back the layers they replaced, even when `body` throws: the model is the original again, so
    /// the next candidate of `plan --measure` replaces the original's layers, not a previous
    /// candidate's. The replaced layers stay in memory meanwhile (they are not copied).
    public func installed<Result>(_ decoded: DecodedModel, during body: () throws -> Result) throws -> Result {
        try checkInstallable(decoded)
        let replaced = decoded.replacedModules.filter { !unusedModules.contains($0) && decoded.layers[$0] != nil }
        let originals = replaced.map { ($0, linears[$0]!) }
        defer { for (module, original) in originals { try? replaceLinear(module, with: original) } }
        try install(decoded)
        return try body()
    }
}
