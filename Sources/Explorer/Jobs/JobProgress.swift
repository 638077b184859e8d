import Foundation

/// What the explorer knows about its background compression job, folded from ``JobLine``s: the
/// layers done, those in flight, the phase, and the rate and time left derived from them.
public struct JobProgress: Equatable, Sendable {
    /// Where the job is.
    public enum Phase: Equatable, Sendable {
        /// Waiting for the job's first line.
        case starting
        /// Compressing layers.
        case compressing
        /// Writing shard `index` of `count`.
        case writing(index: Int, count: Int)
        /// Done: the output's tensor bytes.
        case finished(bytes: Int, bytesBefore: Int)
        /// Stopped on request.
        case cancelled(String)
        /// Failed, with one sentence.
        case failed(String)
    }

    /// One finished layer.
    public struct Layer: Equatable, Sendable {
        /// The weight's name.
        public var name: String
        /// ‖W − Ŵ‖/‖W‖ of what was written.
        public var measuredError: Double
        /// The plan's estimate, nil when unknown.
        public var estimatedError: Double?
        /// Seconds it took.
        public var seconds: Double
    }

    /// The output folder.
    public let outputFolder: String
    /// When the job was started.
    public let startedAt: Date
    /// The phase.
    public internal(set) var phase = Phase.starting
    /// Layers to compress in all (0 until the job says).
    public internal(set) var total = 0
    /// Layers done, resumed ones included.
    public internal(set) var completed = 0
    /// Layers that were already done in the journal when the job began.
    public internal(set) var resumed = 0
    /// Finished layers, in finishing order.
    public internal(set) var layers: [Layer] = []
    /// Layers being compressed now.
    public internal(set) var inFlight: [String] = []
    /// True once the user asked to cancel.
    public internal(set) var cancelRequested = false

    /// A job just launched into `outputFolder`.
    public init(outputFolder: String, startedAt: Date) {
        self.outputFolder = outputFolder
        self.startedAt = startedAt
    }

    /// True until the job finished, failed or was cancelled.
    public var isRunning: Bool {
        switch phase {
        case .starting, .compressing, .writing: return true
        case .finished, .cancelled, .failed: return false
        }
    }

    /// Share of the layers done, 0…1.
    public var fraction: Double { total > 0 ? Double(completed) / Double(total) : 0 }

    /// Layers compressed per second by this run (resumed layers do not count), nil before the first.
    public func rate(at now: Date) -> Double? {
        let done = completed - resumed
        let elapsed = now.timeIntervalSince(startedAt)
        guard done > 0, elapsed > 0 else { return nil }
        return Double(done) / elapsed
    }

    /// Seconds left at the current rate, nil while unknown.
    public func secondsLeft(at now: Date) -> Double? {
        rate(at: now).map { Double(total - completed) / $0 }
    }

    /// Folds in one protocol line.
    public mutating func apply(_ line: JobLine) {
        switch line {
        case let .started(layers, resumed, _):
            total = layers
            self.resumed = resumed
            completed = resumed
            phase = .compressing
        case .layerStarted(let name):
            inFlight.append(name)
        case let .layerFinished(name, completed, total, measured, estimated, _, seconds):
            self.completed = completed
            self.total = total
            inFlight.removeAll { $0 == name }
            layers.append(Layer(name: name, measuredError: measured, estimatedError: estimated, seconds: seconds))
        case let .writingShard(index, count):
            inFlight = []
            phase = .writing(index: index, count: count)
        case let .finished(_, bytesBefore, bytes, _):
            inFlight = []
            completed = total
            phase = .finished(bytes: bytes, bytesBefore: bytesBefore)
        case .cancelled(let message):
            inFlight = []
            phase = .cancelled(message)
        case .failed(let message):
            inFlight = []
            phase = .failed(message)
        }
    }

    /// The process ended with `status`: a job still running without a final line failed.
    public mutating func exited(status: Int32) {
        guard isRunning else { return }
        inFlight = []
        phase = cancelRequested ? .cancelled("The compression was cancelled; run it again to resume.")
                                : .failed("rankscope compress stopped with exit status \(status) before finishing.")
    }

    /// Records that the user asked to cancel.
    mutating func requestCancel() { cancelRequested = true }
}
