import Foundation
import Planning

/// The ``Planning/QualityPrediction`` over the spectra received so far, rebuilt only when more
/// spectra of the kind it reads have arrived (building it reads every spectrum's tail energies;
/// predicting a plan from it is cheap enough for every keystroke). A reference shared by every
/// copy of the ``ExplorerState``: spectra never change once received, so it cannot go stale.
final class QualityMemo: @unchecked Sendable {
    private struct Key: Equatable {
        var dataAware: Bool
        var ready: Int
    }

    private let lock = NSLock()
    private var key: Key?
    private var stored: QualityPrediction?

    /// The prediction of `profile` over the spectra among `statuses` (of data-aware kind when
    /// `dataAware`), built when their number changed since the last call.
    func prediction(profile: SensitivityProfile, statuses: [SpectrumStatus], dataAware: Bool) -> QualityPrediction {
        let spectra = statuses.compactMap(\.spectrum)
        let wanted = Key(dataAware: dataAware, ready: spectra.count)
        if let known = lock.withLock({ key == wanted ? stored : nil }), known.profile == profile { return known }
        let values = Dictionary(spectra.map { ($0.tensorName, $0.singularValues) }, uniquingKeysWith: { first, _ in first })
        let built = QualityPrediction(profile: profile, singularValues: values)
        lock.withLock {
            key = wanted
            stored = built
        }
        return built
    }
}
