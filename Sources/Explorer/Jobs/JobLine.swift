import Foundation

/// One line of the JSON-lines progress protocol `rankscope compress --events` prints (see
/// `JobEvent.jsonLine` in the Compression module), as the explorer reads it. Unknown events and
/// malformed lines read as nil: the protocol says readers ignore what they do not know.
public enum JobLine: Equatable, Sendable {
    /// The job begins: `layers` to compress, `resumed` of them already done, writing `output`.
    case started(layers: Int, resumed: Int, output: String)
    /// A layer's compression began.
    case layerStarted(name: String)
    /// A layer is done: its measured error beside the plan's estimate (nil when unknown).
    case layerFinished(name: String, completed: Int, total: Int, measuredError: Double, estimatedError: Double?, bytes: Int, seconds: Double)
    /// Shard `index` (from 1) of `count` is being written.
    case writingShard(index: Int, count: Int)
    /// The output folder is complete.
    case finished(output: String, bytesBefore: Int, bytes: Int, seconds: Double)
    /// The job stopped on request; `--resume` continues it.
    case cancelled(message: String)
    /// The job failed; `message` is one sentence naming the file.
    case failed(message: String)

    /// Parses one protocol line; nil for blank, malformed or unknown lines.
    public init?(_ line: String) {
        guard let object = ProtocolObject(line) else { return nil }
        let (int, double, string) = (object.int, object.double, object.string)
        switch object.event {
        case "started":
            guard let layers = int("layers") else { return nil }
            self = .started(layers: layers, resumed: int("resumed") ?? 0, output: string("output") ?? "")
        case "layer_started":
            guard let name = string("name") else { return nil }
            self = .layerStarted(name: name)
        case "layer_finished":
            guard let name = string("name"), let completed = int("completed"), let total = int("total") else { return nil }
            self = .layerFinished(name: name, completed: completed, total: total, measuredError: double("measured_relative_error") ?? .nan,
                                  estimatedError: double("estimated_relative_error"), bytes: int("bytes") ?? 0, seconds: double("seconds") ?? 0)
        case "writing_shard":
            guard let index = int("index"), let count = int("count") else { return nil }
            self = .writingShard(index: index, count: count)
        case "finished":
            self = .finished(output: string("output") ?? "", bytesBefore: int("bytes_before") ?? 0, bytes: int("bytes") ?? 0,
                             seconds: double("seconds") ?? 0)
        case "cancelled":
            self = .cancelled(message: string("message") ?? "cancelled")
        case "failed":
            self = .failed(message: string("message") ?? "the compression failed")
        default:
            return nil
        }
    }
}
