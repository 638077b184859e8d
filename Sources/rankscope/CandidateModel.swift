import ModelRuntime

/// The compressed form of a model that `eval` compares with the original: its layers replace
/// the original's linear layers in place, so only one model is ever in memory.
protocol CandidateModel: CustomStringConvertible {
    /// Swaps the candidate's layers into `model`.
    func apply(to model: TransformerModel) throws
}
