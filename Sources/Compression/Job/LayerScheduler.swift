import Foundation

/// Hands layers to worker threads in order, starting the next one only while the memory of the
/// layers in flight stays within the limit (a layer above the limit on its own still runs, alone).
/// So memory is bounded by the largest layers in flight, never by the model.
final class LayerScheduler: @unchecked Sendable {
    private let condition = NSCondition()
    private var pending: [JobLayer]
    private var bytesInFlight = 0
    private var layersInFlight = 0
    private var stopped = false
    private let limit: Int
    private let need: (JobLayer) -> Int

    /// A scheduler over `layers` (handed out in this order) with `limit` bytes and `need` bytes per layer.
    init(_ layers: [JobLayer], limit: Int, need: @escaping (JobLayer) -> Int) {
        pending = layers
        self.limit = limit
        self.need = need
    }

    /// The next layer, once it fits; nil when none is left or the scheduler was stopped.
    func next() -> JobLayer? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if stopped || pending.isEmpty { return nil }
            let bytes = need(pending[0])
            if layersInFlight == 0 || bytesInFlight + bytes <= limit {
                bytesInFlight += bytes
                layersInFlight += 1
                return pending.removeFirst()
            }
            condition.wait()
        }
    }

    /// Marks `layer` (from ``next()``) as done, freeing its memory.
    func finished(_ layer: JobLayer) {
        condition.lock()
        bytesInFlight -= need(layer)
        layersInFlight -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Hands out no more layers (cancellation or a failure); layers in flight finish.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
