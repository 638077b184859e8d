import Foundation
import LinearAlgebra
import ModelRuntime

/// The `forward` section: forward-pass tokens/s of SmolLM2-135M (the real model of
/// `scripts/test-models`) as stored, and with every decoder linear layer factored `A·B` (truncated
/// SVD, never densified) at a uniform rank keeping 50% and 75% of that layer's parameters; and
/// the runtime's own matmul rate (its `sgemm` flops over the time spent in them) against a square
/// SGEMM and DGEMM measured in the same run. The output head (tied to the embeddings) stays dense
/// in every variant, as `compress` leaves it.
enum ForwardBenchmark {
    static func run(_ options: BenchOptions) throws -> [String] {
        let folder = try modelFolder()
        let model = try TransformerModel(path: folder)
        let (windows, length) = options.quick ? (2, 128) : (4, 512)
        var generator = SeededGenerator(seed: 5)
        let vocabulary = model.hyperparameters.vocabularySize
        let batch = (0..<windows).map { _ in (0..<length).map { _ in Int(generator.nextUniform() * Double(vocabulary - 1)) } }
        let tokens = windows * length
        let originalLinear = model.linearParameterCount
        let head = model.linears["lm_head"]!.parameterCount
        var lines = ["forward: SmolLM2-135M (\(folder)), \(windows) windows × \(length) tokens per pass, float32 sgemm, "
                     + "\(ProcessInfo.processInfo.activeProcessorCount) cores"]

        func measure(_ label: String) throws -> Double {
            MatmulMeter.reset()
            let start = DispatchTime.now().uptimeNanoseconds
            let timing = try Timing(runs: options.heavyRuns) { _ = try model.negativeLogLikelihood(windows: batch) }
            // The meter saw every pass, the warm-up included: its share is of all of them.
            let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let rate = MatmulMeter.flops / MatmulMeter.seconds / 1e9
            let share = MatmulMeter.seconds / wall
            let body = model.linearParameterCount - head
            lines.append(BenchReport.row("\(label), \(String(format: "%.1fM", Double(body) / 1e6)) linear",
                                         String(format: "%.0f tokens/s; %@; sgemm %.1f GFLOP/s, %.0f%% of the pass",
                                                Double(tokens) / timing.median, timing.summary, rate, 100 * share)))
            return Double(tokens) / timing.median
        }

        let dense = try measure("original")
        var originals: [String: DenseLinear] = [:]
        for name in model.linearNames where name != "lm_head" { originals[name] = (model.linears[name] as! DenseLinear) }
        var speeds: [(Double, Double)] = []
        for fraction in [0.75, 0.5] {
            for (name, layer) in originals {
                try model.replaceLinear(name, with: try factored(layer, keeping: fraction))
            }
            let kept = Double(model.linearParameterCount - head) / Double(originalLinear - head)
            speeds.append((fraction, try measure(String(format: "factored, %.0f%% kept (%.1f%%)", 100 * fraction, 100 * kept))))
        }
        for (name, layer) in originals { try model.replaceLinear(name, with: layer) }
        for (fraction, speed) in speeds {
            lines.append(BenchReport.row(String(format: "speed-up at %.0f%% of linear params", 100 * fraction),
                                         "\(BenchReport.ratio(speed / dense)) the original's tokens/s"))
        }
        let order = options.quick ? 512 : 1024
        let single = SGEMMRate.measure(order: order, runs: options.heavyRuns)
        let double = DGEMMRate.measure(order: order, runs: options.heavyRuns)
        MatmulMeter.reset()
        _ = try model.negativeLogLikelihood(windows: batch)
        let runtimeRate = MatmulMeter.flops / MatmulMeter.seconds / 1e9
        lines.append(BenchReport.row("SGEMM \(order)×\(order)", String(format: "%.1f GFLOP/s (%@)", single.gigaflops, single.timing.summary)))
        lines.append(BenchReport.row("DGEMM \(order)×\(order)", String(format: "%.1f GFLOP/s (%@)", double.gigaflops, double.timing.summary)))
        lines.append(BenchReport.row("runtime sgemm (original)", String(format: "%.1f GFLOP/s = %@ SGEMM, %@ DGEMM", runtimeRate,
                                                                        BenchReport.ratio(runtimeRate / single.gigaflops),
                                                                        BenchReport.ratio(runtimeRate / double.gigaflops))))
        return lines
    }

    /// `layer` as factors of the rank that keeps `fraction` of its parameters, from a truncated SVD.
    static func factored(_ layer: DenseLinear, keeping fraction: Double) throws -> FactoredLinear {
        let m = layer.outputCount, n = layer.inputCount
        let rank = max(1, Int(fraction * Double(m * n) / Double(m + n)))
        let matrix = try Matrix(rows: m, columns: n, elements: layer.weight.map(Double.init))
        let (a, b) = try TruncatedSVD(of: matrix, rank: rank).balancedFactors
        return FactoredLinear(left: a.elements.map(Float.init), right: b.elements.map(Float.init),
                              outputs: m, inputs: n, rank: rank, bias: layer.bias)
    }

    /// The SmolLM2 folder from `scripts/test-models` (fetched on first use).
    static func modelFolder() throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["scripts/test-models", "smollm2-135m"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let line = output.split(separator: "\n").first(where: { $0.hasPrefix("smollm2-135m\t") }) else {
            throw BenchError(description: "scripts/test-models smollm2-135m could not provide the model (exit \(process.terminationStatus)).")
        }
        return String(line.dropFirst("smollm2-135m\t".count))
    }
}
