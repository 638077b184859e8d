/// Where the query, key and value heads sit in the activation rows, so fused projections (GPT-2's
/// `c_attn`, BigCode's per-head `[q k v]`) are read in place without copies: head `h` of the
/// queries starts at `query + row · queryStride + h · queryHeadStride`, and likewise for keys and
/// values with key/value head `h / (heads / keyValueHeads)`.
struct AttentionLayout {
    var query: UnsafePointer<Float>
    var queryStride: Int
    var queryHeadStride: Int
    var key: UnsafePointer<Float>
    var value: UnsafePointer<Float>
    var keyValueStride: Int
    var keyValueHeadStride: Int
    var heads: Int
    var keyValueHeads: Int
    var headDimension: Int
}
