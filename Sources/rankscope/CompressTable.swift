import Compression

/// The terminal table of `rankscope compress`: per compressed layer the plan's estimate beside
/// what was measured and written, then the totals.
enum CompressTable {
    /// The lines to print for `report`.
    static func render(_ report: JobReport) -> [String] {
        var table = TextTable([("layer", .left), ("choice", .left), ("est. error", .right), ("measured", .right),
                               ("est. size", .right), ("written", .right), ("seconds", .right)])
        for layer in report.layers {
            table.append([layer.name, choice(layer), layer.estimatedRelativeError.map(Formatting.significant) ?? "?",
                          Formatting.significant(layer.measuredRelativeError), Formatting.bytes(layer.estimatedBytes),
                          Formatting.bytes(layer.bytesWritten), String(format: "%.2f", layer.seconds) + (layer.resumed ? "*" : "")])
        }
        let totals = report.totals
        table.append(["total (\(totals.layers) layers)", "", "", "", Formatting.bytes(totals.estimatedBytes),
                      Formatting.bytes(totals.bytesWritten), String(format: "%.2f", totals.seconds)])
        var lines = table.render()
        if report.layers.contains(where: \.resumed) { lines.append("* compressed by an earlier, interrupted run") }
        lines.append("")
        lines.append("model \(Formatting.bytes(totals.modelBytesBefore)) → \(Formatting.bytes(totals.modelBytesAfter)) in \(report.shards.count) shard\(report.shards.count == 1 ? "" : "s"), written to \(report.output) (report: \(JobReport.fileName))")
        return lines
    }

    /// `rank 64`, `rank 64 @4b`, `caldera 64 +Q2b`, `dense 8b`.
    private static func choice(_ layer: JobReport.Layer) -> String {
        let bits = layer.bits < 16 ? " @\(layer.bits)b" : ""
        switch layer.method {
        case "dense": return "dense \(layer.bits)b"
        case "caldera": return "caldera \(layer.rank ?? 0)\(bits) +Q\(layer.backboneBits ?? 0)b"
        default: return "rank \(layer.rank ?? 0)\(bits)"
        }
    }
}
