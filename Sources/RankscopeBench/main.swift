import Foundation
import LinearAlgebra

// rankscope-bench [SECTION…] [--runs N] [--quick] [--scale N] [--shapes starcoder,llama] [--single-gram] [--partial K]: timings with the figures they produced, each
// beside an anchor measured in the same run, and PASS/MISS against the targets of issue 6.
// Sections run in the order below. Not part of the test suite; `scripts/bench` builds it in
// release mode and runs it from the repository root (the Python anchors live in
// scripts/bench-anchors and run with .venv/bin/python).
let sections: [(String, (BenchOptions) throws -> [String])] = [
    ("plan", { try PlanBenchmark.run(runs: $0.runs) }),
    ("listing", ListingBenchmark.run),
    ("gguf-listing", GGUFListingBenchmark.run),
    ("spectra", SpectraBenchmark.run),
    ("factorize", FactorizeBenchmark.run),
    ("model", ModelSpectraBenchmark.run),
    ("compress-memory", CompressMemoryBenchmark.run),
    ("explorer", ExplorerBenchmark.run),
    ("tokenizer", TokenizerBenchmark.run),
    ("forward", ForwardBenchmark.run),
    ("metrics", MetricsBenchmark.run),
    ("whole-model", WholeModelBenchmark.run),
    ("caldera", CalderaBenchmark.run),
]
let names = sections.map(\.0)
var arguments = Array(CommandLine.arguments.dropFirst())
var options = BenchOptions()
/// Removes `flag` and the value after it from `arguments`: nil when absent; exits 2 with one
/// sentence (`needs`) when the value is missing or `parse` rejects it.
func takeValue<T>(_ flag: String, needs: String, _ parse: (String) -> T?) -> T? {
    guard let index = arguments.firstIndex(of: flag) else { return nil }
    guard index + 1 < arguments.count, let value = parse(arguments[index + 1]) else {
        FileHandle.standardError.write(Data("rankscope-bench: \(flag) \(needs).\n".utf8))
        exit(2)
    }
    arguments.removeSubrange(index...(index + 1))
    return value
}
/// Removes `flag` from `arguments`, saying whether it was there.
func takeFlag(_ flag: String) -> Bool {
    guard let index = arguments.firstIndex(of: flag) else { return false }
    arguments.remove(at: index)
    return true
}
let positive = { (text: String) in Int(text).flatMap { $0 > 0 ? $0 : nil } }
let models = Set(WholeModelBenchmark.models.map(\.name))
options.quick = takeFlag("--quick")
options.singleGram = takeFlag("--single-gram")
options.runs = takeValue("--runs", needs: "needs a positive whole number", positive) ?? options.runs
options.partialCount = takeValue("--partial", needs: "needs a positive whole number", positive)
options.scale = takeValue("--scale", needs: "needs a positive whole number", positive) ?? options.scale
options.shapes = takeValue("--shapes", needs: "takes a comma-separated list of \(models.sorted().joined(separator: ", "))") { text in
    let chosen = Set(text.split(separator: ",").map(String.init))
    return !chosen.isEmpty && chosen.isSubset(of: models) ? chosen : nil
}
if let unknown = arguments.first(where: { !names.contains($0) }) {
    FileHandle.standardError.write(Data("rankscope-bench: unknown section '\(unknown)'; sections: \(names.joined(separator: ", ")).\n".utf8))
    exit(2)
}
// Sections that do not choose a thread count (SpectrumEngine does) use every core.
BLASThreads.count = ProcessInfo.processInfo.activeProcessorCount
print("rankscope-bench \(options.quick ? "--quick " : "")on \(ProcessInfo.processInfo.activeProcessorCount) cores, \(Date())")
var failed = false
for (name, section) in sections where arguments.isEmpty || arguments.contains(name) {
    do {
        for line in try section(options) { print(line) }
    } catch {
        FileHandle.standardError.write(Data("rankscope-bench: \(name): \(error)\n".utf8))
        failed = true
    }
    BLASThreads.count = ProcessInfo.processInfo.activeProcessorCount
    fflush(stdout)
}
exit(failed ? 1 : 0)
