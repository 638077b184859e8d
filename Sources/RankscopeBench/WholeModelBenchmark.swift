import Foundation
import LinearAlgebra
import Planning
import SafeTensors

/// The `whole-model` section (issue 20): one matrix of each shape of StarCoder-15.5B and
/// Llama-2-7B, random heavy-tailed BF16 values, through every stage of an exact spectrum
/// (conversion to double, Gram matrix by `dsyrk`, eigenvalues by `dsyevd`, cache write), each
/// timed; the machine's DGEMM/SGEMM/DSYRK/SSYRK rates measured in the same run; and the
/// extrapolated whole-model time beside the flop-count floor at those rates.
///
/// Everything runs on one BLAS thread, as each of `SpectrumEngine`'s workers does when a model
/// has more matrices than the machine has cores (one worker per core keeps every core busy
/// through the eigen step, which does not scale across threads as well as `dsyrk`); the
/// whole-model figure is Σ count × per-matrix time / cores, the floor Σ count × (s²·l at the
/// DSYRK rate + 4s³/3 at the DGEMM rate) / cores, for an m×n matrix with s = min, l = max.
/// Options: `--scale N` divides every dimension by N (quick runs), `--shapes starcoder,llama`
/// (or one of them) picks the models, `--single-gram` also runs the single-precision Gram path
/// (`ssyrk`) on each matrix and says which displayed figures it changes, `--partial K` also times
/// the partial spectrum (`RandomizedSingularValues` of the stored values, top K; conversion included)
/// and prints the time to a first whole-model picture beside the exact one.
enum WholeModelBenchmark {
    /// A model's linear matrices: (role, rows, columns, how many).
    struct Model {
        let name: String
        let shapes: [(role: String, rows: Int, columns: Int, count: Int)]
        /// The issue's target for the whole model at full size, in seconds.
        let target: Double
    }

    static let models = [
        Model(name: "starcoder", shapes: [("attn.c_attn", 6400, 6144, 40), ("attn.c_proj", 6144, 6144, 40),
                                          ("mlp.c_fc", 24576, 6144, 40), ("mlp.c_proj", 6144, 24576, 40)], target: 45 * 60),
        Model(name: "llama", shapes: [("attn.q/k/v/o_proj", 4096, 4096, 128), ("mlp.gate/up_proj", 11008, 4096, 64),
                                      ("mlp.down_proj", 4096, 11008, 32)], target: 20 * 60),
    ]

    static func run(_ options: BenchOptions) throws -> [String] {
        let scale = options.scale
        let chosen = models.filter { options.shapes?.contains($0.name) ?? true }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let order = max(1024, 2048 / scale)
        let rates = KernelRates.measure(order: order, threads: 1, runs: options.heavyRuns)
        // Printed as they come (a full-size run takes many minutes); the section returns nothing.
        var lines = Lines()
        lines.append(contentsOf: [
            "whole-model: one matrix of each shape, BF16 heavy-tailed values, one BLAS thread\(scale > 1 ? ", every dimension ÷\(scale)" : "")",
            BenchReport.row("anchor: rates on one thread, n = \(order)", String(format: "DGEMM %.1f, SGEMM %.1f, DSYRK %.1f, SSYRK %.1f GFLOP/s",
                                                                                  rates.dgemm, rates.sgemm, rates.dsyrk, rates.ssyrk)),
        ])
        let cacheDirectory = NSTemporaryDirectory() + "rankscope-bench-cache-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: cacheDirectory) }
        for model in chosen {
            var total = 0.0, floor = 0.0, singleFloor = 0.0, singleTotal = 0.0, partialTotal = 0.0
            for shape in model.shapes {
                let rows = shape.rows / scale, columns = shape.columns / scale
                let s = Double(min(rows, columns)), l = Double(max(rows, columns))
                let bits = heavyTailed(count: rows * columns, seed: UInt64(rows * 31 + columns))
                var stages = SingularValues.StageSeconds(), singleStages = SingularValues.StageSeconds()
                let saved = BLASThreads.count
                BLASThreads.count = 1
                var partial: (seconds: Double, estimate: RandomizedSingularValues)?
                let (values, singleValues) = try bits.withUnsafeBytes { bytes in
                    let source = MatrixSource(base: bytes.baseAddress!, rows: rows, columns: columns, format: .bf16)
                    if let count = options.partialCount {
                        let start = Date()
                        let estimate = try RandomizedSingularValues(of: source, count: count)
                        partial = (Date().timeIntervalSince(start), estimate)
                    }
                    return (try SingularValues.compute(source, stages: { stages = $0 }),
                            options.singleGram ? try SingularValues.compute(source, precision: .single, stages: { singleStages = $0 }) : [])
                }
                BLASThreads.count = saved
                let cache = SpectrumCache(directory: cacheDirectory)
                let identity = FileIdentity(path: cacheDirectory + "/\(model.name)-\(rows)x\(columns).safetensors", size: bits.count * 2,
                                            modificationTimeNanoseconds: 0, inode: 0, device: 0, headerFingerprint: 0)
                let write = try Timing(runs: 1, warmUp: false) {
                    cache.store(values, of: shape.role, in: identity)
                    try cache.flush()
                }.median
                let matrix = stages.conversion + stages.gram + stages.eigenvalues + write
                let gramFloor = s * s * l / (rates.dsyrk * 1e9), eigenFloor = 4 * s * s * s / 3 / (rates.dgemm * 1e9)
                total += Double(shape.count) * matrix
                floor += Double(shape.count) * (gramFloor + eigenFloor)
                singleFloor += Double(shape.count) * (s * s * l / (rates.ssyrk * 1e9) + eigenFloor)
                lines.append(BenchReport.row("\(model.name) \(shape.role) \(rows)×\(columns) ×\(shape.count)", String(
                    format: "conversion %.2f s, Gram %.2f s (floor %.2f), eigenvalues %.2f s (floor %.2f), cache write %.3f s = %.2f s",
                    stages.conversion, stages.gram, gramFloor, stages.eigenvalues, eigenFloor, write, matrix)))
                if options.singleGram {
                    singleTotal += Double(shape.count) * (singleStages.conversion + singleStages.gram + singleStages.eigenvalues + write)
                    lines.append(BenchReport.row("  single-precision Gram (ssyrk)", String(
                        format: "conversion %.2f s, Gram %.2f s (floor %.2f), eigenvalues %.2f s; %@",
                        singleStages.conversion, singleStages.gram, s * s * l / (rates.ssyrk * 1e9), singleStages.eigenvalues,
                        figureDifference(rows: rows, columns: columns, values, singleValues))))
                }
                if let partial {
                    partialTotal += Double(shape.count) * partial.seconds
                    lines.append(BenchReport.row("  partial top \(partial.estimate.leading.count) (randomized)", String(
                        format: "%.2f s (%@ the exact); %@", partial.seconds, BenchReport.ratio(partial.seconds / matrix),
                        partialAccuracy(partial.estimate, exact: values))))
                }
            }
            let wall = total / Double(cores)
            if options.partialCount != nil {
                lines.append(BenchReport.row("\(model.name): first whole-model picture (partial)", String(
                    format: "%.1f min extrapolated vs %.1f min exact (%@)", partialTotal / Double(cores) / 60, wall / 60,
                    BenchReport.ratio(partialTotal / total))))
            }
            lines.append(BenchReport.row("\(model.name): whole model on \(cores) cores", String(
                format: "%.1f min extrapolated; floor %.1f min (single-precision Gram floor %.1f min); %@ the floor",
                wall / 60, floor / Double(cores) / 60, singleFloor / Double(cores) / 60, BenchReport.ratio(total / floor))))
            if options.singleGram {
                lines.append(BenchReport.row("\(model.name): with the single-precision Gram", String(
                    format: "%.1f min extrapolated; %@ the double path", singleTotal / Double(cores) / 60, BenchReport.ratio(singleTotal / total))))
            }
            if scale == 1 {
                lines.append(BenchReport.verdict(wall <= model.target, "\(model.name) exact spectra ≤ \(Int(model.target / 60)) min"))
            }
        }
        return []
    }

    /// Lines printed as soon as they are appended.
    struct Lines {
        mutating func append(_ line: String) {
            print(line)
            fflush(stdout)
        }

        mutating func append(contentsOf lines: [String]) { lines.forEach { append($0) } }
    }

    /// What a single-precision spectrum changes in the figures rankscope shows: energy ranks at
    /// 50–99.9% and the relative error of every truncation at the four decimals `plan` prints.
    static func figureDifference(rows: Int, columns: Int, _ double: [Double], _ single: [Double]) -> String {
        let exact = Spectrum(tensorName: "", rows: rows, columns: columns, singularValues: double)
        let fast = Spectrum(tensorName: "", rows: rows, columns: columns, singularValues: single)
        let ranks = [0.5, 0.8, 0.9, 0.95, 0.99, 0.999].filter { exact.rank(keepingEnergy: $0) != fast.rank(keepingEnergy: $0) }.count
        var largest = 0.0, shown = 0
        for k in 0...double.count {
            largest = max(largest, abs(exact.truncationError(rank: k) - fast.truncationError(rank: k)))
            if String(format: "%.4f", exact.truncationError(rank: k)) != String(format: "%.4f", fast.truncationError(rank: k)) { shown += 1 }
        }
        return "energy ranks changed \(ranks)/6, errors changed at 4 decimals \(shown)/\(double.count + 1), largest |Δ error| \(BenchReport.scientific(largest))"
    }

    /// How far the partial estimates are from the exact values: the largest relative shortfall of
    /// the top half and of all K, and the excess of the error bound at rank K/2 and K.
    static func partialAccuracy(_ estimate: RandomizedSingularValues, exact: [Double]) -> String {
        let k = estimate.leading.count
        guard k > 1 else { return "nothing to compare" }
        let shortfall = (0..<k).map { (exact[$0] - estimate.leading[$0]) / max(exact[$0], .leastNormalMagnitude) }
        func excess(_ rank: Int) -> Double {
            let truth = exact[rank...].reduce(0) { $0 + $1 * $1 }
            return truth > 0 ? (estimate.tailEnergy(rank: rank) ?? .nan) / truth - 1 : 0
        }
        return String(format: "σ̂ low by ≤ %.2f%% (top half), ≤ %.2f%% (all); error bound +%.2f%% at rank %d, +%.2f%% at %d",
                      100 * shortfall.prefix(k / 2).max()!, 100 * shortfall.max()!, 100 * excess(k / 2), k / 2, 100 * excess(k), k)
    }

    /// `count` BF16 values with a Student-t-like tail of index 3 (|x| = u^(−1/3) − 1 with a random
    /// sign, times 0.02): drawn from a pool of 2²⁰ such values by a second random stream, so
    /// hundreds of millions of them cost a table lookup each.
    static func heavyTailed(count: Int, seed: UInt64) -> [UInt16] {
        var generator = SeededGenerator(seed: seed)
        let pool = (0..<(1 << 20)).map { _ -> UInt16 in
            let magnitude = 0.02 * (pow(1 - generator.nextUniform(), -1.0 / 3) - 1)
            return HalfPrecision.bf16Bits(from: Float(generator.next() & 1 == 0 ? magnitude : -magnitude))
        }
        return (0..<count).map { _ in pool[Int(generator.next() >> 44)] }
    }
}
