import Compression
import Foundation
import GGUF
import Planning
import SafeTensors

/// `eval --plan FILE [--stats FILE]`: the plan's layers compressed in memory exactly as
/// `compress` would write them (``InMemoryCompression``), without writing a checkpoint.
struct PlanCandidate: CandidateModel {
    let planPath: String
    let statisticsPath: String?
    let checkpointPath: String
    let useCache: Bool
    let jobs: Int
    /// `--incoherence`: CALDERA layers with incoherence processing, as `compress --incoherence`.
    var incoherence = false
    /// The resolution, kept after the first call: the prediction and the compression read the
    /// same one (with `--no-cache` resolving twice computed every spectrum twice).
    private let resolution = Resolution()

    /// ``resolved()``'s result once computed.
    private final class Resolution: @unchecked Sendable {
        let lock = NSLock()
        var value: (catalog: LayerCatalog, statistics: ActivationStatistics?, input: CompressPlanInput.Input)?
    }

    var description: String {
        "plan \(planPath)" + (statisticsPath.map { ", data-aware with \($0)" } ?? "") + (incoherence ? ", incoherence processing" : "")
    }

    /// The plan resolved against the checkpoint as `compress` resolves it: the choices and the
    /// singular values (data-aware with statistics) of the matrices analysed. Resolved once.
    func resolved() throws -> (catalog: LayerCatalog, statistics: ActivationStatistics?, input: CompressPlanInput.Input) {
        resolution.lock.lock()
        defer { resolution.lock.unlock() }
        if let value = resolution.value { return value }
        let catalog = LayerCatalog(checkpoint: try Checkpoint.opening(path: checkpointPath))
        let statistics = try statisticsPath.map(ActivationStatistics.init(path:))
        let input = try CompressPlanInput.choices(planPath: planPath, catalog: catalog, useCache: useCache, jobs: nil,
                                                  statistics: statistics)
        resolution.value = (catalog, statistics, input)
        return (catalog, statistics, input)
    }

    func decodedLayers() throws -> DecodedModel { try decodedLayers(isCancelled: { false }, onLayer: { _, _ in }) }

    func decodedLayers(isCancelled: @escaping @Sendable () -> Bool, onLayer: @escaping (_ done: Int, _ total: Int) -> Void) throws -> DecodedModel {
        let (catalog, statistics, input) = try resolved()
        return try ChoicesCandidate(checkpoint: catalog.checkpoint, choices: input.choices, singularValues: input.singularValues,
                                    statistics: statistics, incoherence: incoherence, jobs: jobs, description: description)
            .decodedLayers(isCancelled: isCancelled, onLayer: onLayer)
    }
}
