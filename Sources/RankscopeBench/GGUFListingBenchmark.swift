import Foundation
import GGUF
import SafeTensors

/// The `gguf-listing` section: every tensor's name and shape of a header-only Llama-2-7B-shaped
/// Q4_K_M GGUF (a ~4.2 GB sparse file with a real 32,000-token vocabulary in its metadata, made by
/// `scripts/bench-anchors/gguf_listing.py --make` with `gguf.GGUFWriter`) against the `gguf`
/// package's `GGUFReader`, in-process (`Checkpoint.opening(path:)`, the path `inspect` takes:
/// header, HF names and shapes) and as commands (`rankscope inspect FILE` against
/// `python gguf_listing.py --print FILE`). Both sides must agree on tensor and parameter counts.
enum GGUFListingBenchmark {
    static func run(_ options: BenchOptions) throws -> [String] {
        let path = try options.dataPath("llama-2-7b-q4_k_m-header-only.gguf")
        if (try? GGUFFile(path: path))?.tensors.count != 291 {
            _ = try PythonAnchor.run("gguf_listing.py", ["--make", path])
        }
        var listed: [(String, [Int])] = []
        let ours = try Timing(runs: options.runs) {
            listed = try Checkpoint.opening(path: path).tensors.map { ($0.info.name, $0.info.shape) }
        }
        let output = try PythonAnchor.run("gguf_listing.py", [path, String(options.runs)])
        let anchor = try PythonAnchor.timing(output)
        let parameters = listed.reduce(0) { $0 + $1.1.reduce(1, *) }
        let agree = output["tensors"] as? Int == listed.count && output["parameters"] as? Int == parameters
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        var lines = [
            "gguf-listing: names and shapes of a header-only Llama-2-7B Q4_K_M GGUF (\(String(format: "%.1f", Double(size) / 1e9)) GB sparse file, 32,000-token vocabulary)",
            BenchReport.row("in-process: rankscope Checkpoint.opening(path:)", "\(ours.summary)  → \(listed.count) tensors, \(parameters) parameters"),
            BenchReport.row("in-process: python gguf.GGUFReader", "\(anchor.summary)  → \(output["tensors"] ?? "?") tensors, \(output["parameters"] ?? "?") parameters; rankscope \(BenchReport.ratio(anchor.median / ours.median)) faster"),
            BenchReport.verdict(agree, "same tensors and parameters as the gguf package"),
        ]
        if let rankscope = options.rankscopeExecutable {
            let command = try Timing(runs: options.runs) { try ListingBenchmark.run(rankscope, ["inspect", path]) }
            let script = try Timing(runs: options.runs) {
                try ListingBenchmark.run(PythonAnchor.python, ["scripts/bench-anchors/gguf_listing.py", "--print", path])
            }
            lines.append(BenchReport.row("command: rankscope inspect FILE.gguf", command.summary))
            lines.append(BenchReport.row("command: python gguf_listing.py --print FILE", "\(script.summary)  → rankscope \(BenchReport.ratio(script.median / command.median)) faster"))
            lines.append(BenchReport.verdict(command.median < 0.1, "command: inspect of a multi-GB GGUF from its header stays under 100 ms"))
        } else {
            lines.append("  commands: skipped, no rankscope executable next to rankscope-bench (scripts/bench builds it)")
        }
        return lines
    }
}
