import Foundation
import LinearAlgebra

// rankscope-bench [SECTION…] [--runs N] [--quick]: timings with the figures they produced, each
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
]
let names = sections.map(\.0)
var arguments = Array(CommandLine.arguments.dropFirst())
var options = BenchOptions()
if let index = arguments.firstIndex(of: "--quick") {
    options.quick = true
    arguments.remove(at: index)
}
if let index = arguments.firstIndex(of: "--runs") {
    guard index + 1 < arguments.count, let value = Int(arguments[index + 1]), value > 0 else {
        FileHandle.standardError.write(Data("rankscope-bench: --runs needs a positive whole number.\n".utf8))
        exit(2)
    }
    options.runs = value
    arguments.removeSubrange(index...(index + 1))
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
