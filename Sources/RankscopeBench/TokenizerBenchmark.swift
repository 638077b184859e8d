import Foundation
import Tokenizers

/// The `tokenizer` section: loading a real `tokenizer.json` and encoding the 35 KB evaluation
/// text (the GPL 3) in one call, with rankscope's `Tokenizer` against the Python `tokenizers`
/// package (Rust underneath; `scripts/bench-anchors/tokenizer.py`), for SmolLM2's byte-level
/// BPE and all-MiniLM-L6-v2's WordPiece. Both must produce the same ids. The target is the
/// issue's: encoding the text takes well under a second (here: under 100 ms); the ratio to the
/// Rust implementation is context.
enum TokenizerBenchmark {
    static let target = 0.1

    static func run(_ options: BenchOptions) throws -> [String] {
        let folders = try testModelFolders()
        guard let texts = folders["texts"] else { throw BenchError(description: "scripts/test-models printed no texts folder.") }
        let textPath = texts + "/evaluation.txt"
        let text = try String(contentsOfFile: textPath, encoding: .utf8)
        var lines = ["tokenizer: load tokenizer.json, encode the evaluation text (\(text.utf8.count) bytes) in one call"]
        for (name, label) in [("smollm2-135m", "SmolLM2 byte-level BPE"), ("all-minilm-l6-v2", "all-MiniLM-L6-v2 WordPiece")] {
            guard let folder = folders[name] else { throw BenchError(description: "scripts/test-models printed no \(name) folder.") }
            let path = folder + "/tokenizer.json"
            var tokenizer: Tokenizer?
            let load = try Timing(runs: options.heavyRuns) { tokenizer = try Tokenizer(contentsOf: URL(fileURLWithPath: path)) }
            guard let tokenizer else { continue }
            var ids: [Int] = []
            let encode = Timing(runs: options.runs) { ids = tokenizer.encode(text) }
            let anchor = try PythonAnchor.run("tokenizer.py", [path, textPath, String(options.runs)])
            let anchorEncode = try PythonAnchor.timing(anchor)
            let anchorLoad = Timing(seconds: anchor["load_seconds"] as? [Double] ?? [])
            let same = (anchor["ids"] as? [Int]) == ids
            let rate = Double(text.utf8.count) / encode.median / 1e6
            lines += [
                "  \(label): \(ids.count) ids",
                BenchReport.row("load: rankscope Tokenizer(contentsOf:)", load.summary),
                BenchReport.row("load: python Tokenizer.from_file", anchorLoad.seconds.isEmpty ? "?" : anchorLoad.summary),
                BenchReport.row("encode: rankscope", "\(encode.summary)  → \(String(format: "%.2f", rate)) MB/s"),
                BenchReport.row("encode: python tokenizers", "\(anchorEncode.summary)  → rankscope \(BenchReport.ratio(anchorEncode.median / encode.median)) the speed"),
                BenchReport.verdict(same, "same ids as Python tokenizers"),
                BenchReport.verdict(encode.median < target, "encode 35 KB in < \(Int(target * 1000)) ms"),
            ]
        }
        return lines
    }

    /// `scripts/test-models`' folders by name (it fetches the models once into a cache).
    static func testModelFolders() throws -> [String: String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["scripts/test-models", "smollm2-135m", "all-minilm-l6-v2", "texts"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError(description: "scripts/test-models exited with status \(process.terminationStatus); the tokenizer section needs its models.")
        }
        var folders: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1)
            if parts.count == 2 { folders[String(parts[0])] = String(parts[1]) }
        }
        return folders
    }
}
