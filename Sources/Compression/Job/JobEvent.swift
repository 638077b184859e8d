/// What a running ``CompressionJob`` reports, in order: `started`, then per layer `layerStarted`
/// and `layerFinished` (several layers may be in flight with `jobs > 1`), then `writingShard` per
/// shard, then `finished`. A job that stops early throws instead of sending `finished`; the
/// command line reports that as `cancelled` or `failed` (see ``jsonLine``).
public enum JobEvent: Sendable, Equatable {
    /// The job begins: `layers` to compress in all, `resumed` of them already finished in the journal.
    case started(layers: Int, resumed: Int, outputFolder: String)
    /// A layer's compression began.
    case layerStarted(name: String, ordinal: Int)
    /// A layer is finished and recorded; `completed` of `total` layers are done (resumed ones included).
    case layerFinished(LayerResult, completed: Int, total: Int)
    /// Shard `index` (from 1) of `count` is being written.
    case writingShard(name: String, index: Int, count: Int)
    /// The output folder is complete.
    case finished(JobReport)
}
