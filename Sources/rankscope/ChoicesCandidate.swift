import Compression
import Planning
import SafeTensors

/// A plan already resolved to a choice per matrix, compressed in memory exactly as `compress`
/// would write it (``InMemoryCompression``, CALDERA backbones packed as a folder's are read): the
/// one compression rule of `eval --plan` (``PlanCandidate``, from a plan file) and of
/// `plan --measure` (the plans it just made).
struct ChoicesCandidate: CandidateModel {
    let checkpoint: Checkpoint
    let choices: [String: LayerChoice]
    /// Singular values of the matrices analysed (data-aware with statistics); they only spare
    /// recomputing spectra, never change the layers.
    let singularValues: [String: [Double]]
    /// `--stats`: data-aware compression, as `compress --stats`; nil: plain truncation.
    let statistics: ActivationStatistics?
    /// `--incoherence`: CALDERA layers with incoherence processing.
    var incoherence = false
    /// Layers compressed at once, each on a worker with single-threaded BLAS.
    let jobs: Int
    let description: String

    func decodedLayers() throws -> DecodedModel { try decodedLayers(isCancelled: { false }, onLayer: { _, _ in }) }

    func decodedLayers(isCancelled: @escaping @Sendable () -> Bool, onLayer: @escaping (_ done: Int, _ total: Int) -> Void) throws -> DecodedModel {
        try InMemoryCompression.decodedLayers(of: checkpoint, choices: choices, singularValues: singularValues,
                                              settings: LayerCompressionSettings(statistics: statistics, incoherence: incoherence),
                                              jobs: jobs, isCancelled: isCancelled, packedBackbones: true, onLayer: onLayer)
    }
}
