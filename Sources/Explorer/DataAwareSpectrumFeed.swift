import Foundation
import Planning

/// Feeds the explorer's rows to a ``DataAwareSpectrumEngine`` on a background thread: each
/// spectrum reaches the ``SpectrumInbox`` (tagged data-aware, with the count done of all rows) as
/// soon as the engine delivers it, in row order, and the engine flushes the cache when the run
/// ends, also when cancelled (quitting cancels it: the engine returns within its poll interval).
final class DataAwareSpectrumFeed: @unchecked Sendable {
    private let engine: DataAwareSpectrumEngine

    /// Runs over `engine`.
    init(engine: DataAwareSpectrumEngine) {
        self.engine = engine
    }

    /// Asks the engine to stop; spectra finished so far are kept and cached.
    func cancel() {
        engine.cancel()
    }

    /// Starts a thread analysing `entries`, pushing every event into `inbox`, then calling
    /// `onCompletion` (also when cancelled).
    func start(_ entries: [CatalogEntry], into inbox: SpectrumInbox, onCompletion: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            run(entries, into: inbox)
            onCompletion()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The work of ``start(_:into:onCompletion:)``, on the calling thread.
    func run(_ entries: [CatalogEntry], into inbox: SpectrumInbox) {
        var completed = 0
        _ = engine.run(entries, onEvent: { event in
            completed += 1
            inbox.push(event, completed: completed, total: entries.count, kind: .dataAware)
        })
    }
}
