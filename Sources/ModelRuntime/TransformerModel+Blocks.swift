import LinearAlgebra

/// Running a forward pass from a block on: the states to keep, and which block a linear layer is in.
extension TransformerModel {
    /// The block whose forward step runs linear `module`: its number in the checkpoint's name
    /// (`model.layers.N.…`, `encoder.layer.N.…`, `h.N.…`), or `layers` for the output head; nil
    /// for a name the runtime does not run.
    public func block(of module: String) -> Int? {
        guard linears[module] != nil else { return nil }
        if module == "lm_head" { return hyperparameters.layers }
        return module.split(separator: ".").lazy.compactMap { Int($0) }.first
    }

    /// Runs `body` (a forward pass) and returns, besides its result, the residual stream at the
    /// start of every block `0…layers` of that pass (``BlockState``).
    public func recordingBlockStates<Result>(_ body: () throws -> Result) rethrows -> (result: Result, states: [BlockState]) {
        var states: [BlockState] = []
        let previous = blockObserver
        blockObserver = { block, state, rows, width in
            states.append(BlockState(block: block, values: Array(UnsafeBufferPointer(start: state, count: rows * width))))
        }
        defer { blockObserver = previous }
        let result = try body()
        return (result, states)
    }

    /// Tells the block observer, if any, that block `block` starts from `x`, after stopping the
    /// forward pass if ``isCancelled`` says so.
    ///
    /// - Throws: `LinearAlgebraError.cancelled` when ``isCancelled`` answers true.
    func observeBlock(_ block: Int, _ x: FloatBuffer, rows: Int) throws {
        try stopIfCancelled()
        blockObserver?(block, x.pointer, rows, hyperparameters.hidden)
    }

    /// Stops a forward pass (or the logits after it) where ``isCancelled`` says so.
    ///
    /// - Throws: `LinearAlgebraError.cancelled` when ``isCancelled`` answers true.
    func stopIfCancelled() throws {
        if isCancelled?() == true { throw LinearAlgebraError.cancelled }
    }
}
