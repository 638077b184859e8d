import ArgumentParser
import Foundation
import Planning
import SafeTensors

/// `rankscope inspect PATH`: the tensors of a checkpoint grouped by block, from headers only.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "List a checkpoint's tensors grouped by block: shape, dtype, parameters, bytes, totals.",
        discussion: "Reads only the headers, so it answers at once even for a 30 GB checkpoint. Kind 'linear' marks the matrices a plan compresses; embeddings, heads, norms and biases are listed but excluded."
    )

    @OptionGroup var checkpoint: CheckpointArgument

    @OptionGroup var json: JSONFlag

    func run() throws {
        let catalog = try checkpoint.openCatalog()
        if json.isOn {
            try JSONOutput.print(InspectReport(catalog: catalog))
            return
        }
        // One write for the whole listing: a print() per line costs more than building it.
        StandardOutput.printLines(InspectCommand.render(catalog))
    }

    /// The human-readable listing.
    static func render(_ catalog: LayerCatalog) -> [String] {
        let checkpoint = catalog.checkpoint
        var lines = [checkpoint.path + "  (" + describe(checkpoint) + ")"]
        if let config = checkpoint.config {
            let facts: [String?] = [
                config.architecture ?? config.modelType,
                config.layerCount.map { "\($0) layers" },
                config.hiddenSize.map { "hidden \($0)" },
                config.intermediateSize.map { "intermediate \($0)" },
                config.vocabSize.map { "vocab \($0)" },
            ]
            let origin = checkpoint.source == nil ? "config.json" : "metadata"
            lines.append(origin + ": " + facts.compactMap { $0 }.joined(separator: " · "))
        }
        for group in catalog.groups {
            lines.append("")
            lines.append("\(group.title)  \(Formatting.grouped(group.parameterCount)) parameters, \(Formatting.bytes(group.byteCount))")
            var table = TextTable([("tensor", .left), ("shape", .right), ("dtype", .left), ("parameters", .right), ("bytes", .right), ("kind", .left)])
            for entry in group.entries {
                let shortName = group.block == nil ? entry.info.name : String(entry.info.name.dropFirst(group.title.count + 1))
                table.append([shortName, Formatting.shape(entry.info.shape), entry.tensor.typeName,
                              Formatting.grouped(entry.info.elementCount), Formatting.bytes(entry.tensor.byteCount), entry.kind.rawValue])
            }
            lines += table.render(indent: "  ")
        }
        let compressible = catalog.compressibleParameterCount
        let share = catalog.parameterCount > 0 ? Double(compressible) / Double(catalog.parameterCount) * 100 : 0
        lines.append("")
        lines.append("total: \(catalog.entries.count) tensors · \(Formatting.grouped(catalog.parameterCount)) parameters · \(Formatting.bytes(catalog.byteCount)) (\(Formatting.grouped(catalog.byteCount)) bytes)")
        lines.append("compressible (linear): \(catalog.compressibleEntries.count) matrices · \(Formatting.grouped(compressible)) parameters (\(FixedDecimalText.string(share, fractionDigits: 1))%)")
        return lines
    }

    private static func describe(_ checkpoint: Checkpoint) -> String {
        let count = max(checkpoint.files.count, checkpoint.source == nil ? 0 : 1)
        return kindName(checkpoint.kind) + ", \(count) file" + (count == 1 ? "" : "s")
    }

    /// `file`, `folder` or `sharded` (spelled out rather than interpolated, which reflects).
    static func kindName(_ kind: Checkpoint.Kind) -> String {
        switch kind {
        case .file: return "file"
        case .folder: return "folder"
        case .sharded: return "sharded"
        case .otherFormat(let format): return format
        }
    }
}
