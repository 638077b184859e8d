import Compression

/// The compressed form of a model that `eval` compares with the original. Its layers are
/// decoded (and checked against the model) before the original runs, so a bad plan or folder is
/// refused at once, and swapped into the original's model afterwards, so only one model is ever
/// in memory.
protocol CandidateModel: CustomStringConvertible {
    /// The candidate's compressed layers.
    func decodedLayers() throws -> DecodedModel

    /// The candidate's compressed layers, calling `onLayer(done, total)` as each is ready and
    /// stopping with `LinearAlgebraError.cancelled` once `isCancelled` answers true.
    func decodedLayers(isCancelled: @escaping @Sendable () -> Bool, onLayer: @escaping (_ done: Int, _ total: Int) -> Void) throws -> DecodedModel
}

extension CandidateModel {
    /// Without progress or stopping: ``decodedLayers()`` (a folder is read, not computed).
    func decodedLayers(isCancelled: @escaping @Sendable () -> Bool, onLayer: @escaping (_ done: Int, _ total: Int) -> Void) throws -> DecodedModel {
        try decodedLayers()
    }
}
