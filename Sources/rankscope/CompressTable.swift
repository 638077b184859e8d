import Compression

/// The terminal table of `rankscope compress`: per compressed layer the plan's estimate beside
/// the measured weight error (and, under `--stats`, output error) and the bytes written, then the
/// totals. A line above the table says what the estimate estimates.
enum CompressTable {
    /// The lines to print for `report`.
    static func render(_ report: JobReport) -> [String] {
        let outputs = report.statistics != nil
        var columns: [(String, TextTable.Alignment)] = [("layer", .left), ("choice", .left), ("est. error", .right), ("weight error", .right)]
        if outputs { columns.append(("output error", .right)) }
        columns += [("est. size", .right), ("written", .right), ("seconds", .right)]
        var table = TextTable(columns)
        for layer in report.layers {
            var row = [layer.name, choice(layer), layer.estimatedRelativeError.map(Formatting.significant) ?? "?",
                       Formatting.significant(layer.measuredRelativeError)]
            if outputs { row.append(layer.measuredOutputError.map(Formatting.significant) ?? "?") }
            table.append(row + [Formatting.bytes(layer.estimatedBytes), Formatting.bytes(layer.bytesWritten),
                                String(format: "%.2f", layer.seconds) + (layer.resumed ? "*" : "")])
        }
        let totals = report.totals
        table.append(["total (\(totals.layers) layers)", "", "", ""] + (outputs ? [""] : [])
                     + [Formatting.bytes(totals.estimatedBytes), Formatting.bytes(totals.bytesWritten), String(format: "%.2f", totals.seconds)])
        var lines = [header(report)] + table.render()
        if report.layers.contains(where: \.resumed) { lines.append("* compressed by an earlier, interrupted run") }
        lines.append("")
        lines.append("model \(Formatting.bytes(totals.modelBytesBefore)) → \(Formatting.bytes(totals.modelBytesAfter)) in \(report.shards.count) shard\(report.shards.count == 1 ? "" : "s"), written to \(report.output) (report: \(JobReport.fileName))")
        return lines
    }

    /// What the columns mean: the estimate is of the weight error, or under `--stats` of the output error.
    private static func header(_ report: JobReport) -> String {
        guard let statistics = report.statistics else {
            return "weight error = ‖W − Ŵ‖/‖W‖ of the written tensors; est. error is the plan's estimate of it."
        }
        return "weight error = ‖W − Ŵ‖/‖W‖, output error = ‖(W − Ŵ)·X‖/‖W·X‖ on the inputs of \(statistics); est. error estimates the output error (for dense layers, the weight error)."
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
