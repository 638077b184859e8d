import Foundation
import SafeTensors

extension ActivationStatistics {
    /// Checks the file against `checkpoint` (``validate(against:)``) and that every one of
    /// `entries` has statistics, so a data-aware run fails before any work, with one sentence.
    ///
    /// - Throws: ``ActivationStatisticsError`` naming the file and the first tensor without
    ///   statistics or with statistics of the wrong width.
    public func requireStatistics(for entries: [CatalogEntry], of checkpoint: Checkpoint) throws {
        let ownPath = SpectrumCache.realPath(path)
        if checkpoint.files.contains(where: { SpectrumCache.realPath($0.path) == ownPath }) {
            throw ActivationStatisticsError(path: path, problem: "is part of the checkpoint \(checkpoint.path) (a folder checkpoint reads every .safetensors file in it); move the statistics file out of the folder")
        }
        try validate(against: checkpoint)
        if let missing = entries.first(where: { !hasStatistics(forWeight: $0.info.name) }) {
            let module = Self.module(ofWeight: missing.info.name)
            throw ActivationStatisticsError(path: path, problem: "has no statistics for \(missing.info.name) (expected \(module)\(Self.secondMomentSuffix) or \(module)\(Self.meanSquareSuffix)); data-aware spectra need statistics for every matrix analysed")
        }
    }
}
