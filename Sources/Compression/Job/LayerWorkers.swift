import Foundation
import LinearAlgebra

/// Runs one piece of work per layer on worker threads within a memory limit (``LayerScheduler``),
/// with BLAS single-threaded in every worker: the pool of ``CompressionJob`` and ``InMemoryCompression``.
///
/// One BLAS thread per worker, whatever the worker count: OpenBLAS's rounding changes with its
/// (process-wide) thread count, and a layer's bytes must not depend on how many workers the run,
/// or the interrupted run before it, had. More cores come from more workers.
///
/// The threads are ``LinearAlgebra/BLASWorkers``, and ``run(_:workers:memoryLimit:alreadyDone:need:isCancelled:work:finished:)``
/// returns only after every one has ended, also when cancelled: no layer is left inside BLAS.
enum LayerWorkers {
    /// Runs `work` on each of `layers` (handed out in order) on up to `workers` threads, a layer
    /// starting only while the layers in flight stay within `memoryLimit` bytes (`need` each);
    /// `finished(layer, result, done)` is called after each, `done` counting from `alreadyDone`.
    /// Stops handing out layers once `isCancelled` or a failure; `LinearAlgebraError.cancelled`
    /// from `work` is not a failure. Returns the results by ordinal, or throws the first failure
    /// after the layers in flight finished.
    static func run<Result>(_ layers: [JobLayer], workers: Int, memoryLimit: Int, alreadyDone: Int = 0,
                            need: @escaping (JobLayer) -> Int, isCancelled: @escaping () -> Bool,
                            work: @escaping (JobLayer) throws -> Result,
                            finished: @escaping (JobLayer, Result, Int) -> Void = { _, _, _ in }) throws -> [Int: Result] {
        guard !layers.isEmpty else { return [:] }
        let scheduler = LayerScheduler(layers, limit: memoryLimit, need: need)
        let savedThreads = BLASThreads.count
        BLASThreads.count = 1
        defer { BLASThreads.count = savedThreads }

        let state = JobWorkerState<Result>(completed: alreadyDone)
        let group = DispatchGroup()
        for _ in 0..<max(1, min(workers, layers.count)) {
            group.enter()
            BLASWorkers.start {
                defer { group.leave() }
                while !isCancelled(), let layer = scheduler.next() {
                    do {
                        let result = try work(layer)
                        finished(layer, result, state.record(result, ordinal: layer.ordinal))
                    } catch LinearAlgebraError.cancelled {
                        scheduler.stop()
                    } catch {
                        state.fail(error)
                        scheduler.stop()
                    }
                    scheduler.finished(layer)
                }
            }
        }
        group.wait()
        if let failure = state.failure { throw failure }
        return state.results
    }
}
