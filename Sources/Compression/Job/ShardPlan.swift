/// Splits the output tensors into shards the way Hugging Face's `save_pretrained` does: tensors
/// in order, a new shard whenever the next tensor would take the current one past the limit (a
/// tensor larger than the limit gets a shard of its own), named `model-00001-of-00003.safetensors`.
struct ShardPlan {
    /// The shards' tensors, in order.
    let shards: [[OutputEntry]]

    /// Assigns `entries` (in output order) to shards of at most `maxShardSize` data bytes.
    init(_ entries: [OutputEntry], maxShardSize: Int) {
        var shards: [[OutputEntry]] = []
        var current: [OutputEntry] = []
        var size = 0
        for entry in entries {
            if !current.isEmpty, size + entry.byteCount > maxShardSize {
                shards.append(current)
                current = []
                size = 0
            }
            current.append(entry)
            size += entry.byteCount
        }
        if !current.isEmpty || shards.isEmpty { shards.append(current) }
        self.shards = shards
    }

    /// The file name of shard `index` (from 0).
    func fileName(_ index: Int) -> String {
        ShardPlan.fileName(index + 1, of: shards.count)
    }

    /// `model-<number>-of-<count>.safetensors`, five digits each, as Transformers names shards.
    static func fileName(_ number: Int, of count: Int) -> String {
        "model-\(fiveDigits(number))-of-\(fiveDigits(count)).safetensors"
    }

    private static func fiveDigits(_ value: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, 5 - text.count)) + text
    }
}
