import Foundation

// rankscope-bench [SECTION…] [--runs N]: timings with the figures they produced, each beside an
// anchor measured in the same run. Sections: plan. Not part of the test suite; `scripts/bench`
// builds it in release mode and runs it.
let sections: [String: (Int) throws -> [String]] = ["plan": PlanBenchmark.run(runs:)]
var arguments = Array(CommandLine.arguments.dropFirst())
var runs = 25
if let index = arguments.firstIndex(of: "--runs"), index + 1 < arguments.count, let value = Int(arguments[index + 1]), value > 0 {
    runs = value
    arguments.removeSubrange(index...(index + 1))
}
let chosen = arguments.isEmpty ? sections.keys.sorted() : arguments
for name in chosen {
    guard let section = sections[name] else {
        FileHandle.standardError.write(Data("rankscope-bench: unknown section '\(name)'; sections: \(sections.keys.sorted().joined(separator: ", ")).\n".utf8))
        exit(2)
    }
    do {
        for line in try section(runs) { print(line) }
    } catch {
        FileHandle.standardError.write(Data("rankscope-bench: \(name): \(error)\n".utf8))
        exit(1)
    }
}
