import Foundation
import LinearAlgebra
import SafeTensors

/// The `spectra` section: every singular value of a 4096×4096 and a 4096×11008 matrix (1024×1024
/// and 1024×2752 with `--quick`) of standard Gaussian entries, stored as F32 and as BF16, by
/// `SingularValues.compute` against `numpy.linalg.svd(compute_uv=False)` and
/// `scipy.linalg.svdvals` (`scripts/bench-anchors/spectra.py`, timing the decomposition only,
/// on the same bytes widened to float32). Each result is checked against numpy's: the largest
/// |σᵢ − σᵢ(numpy)| / σ₁ must stay within 1e-6 for the speed to count. Then issue 20's single
/// matrix: `rankscope spectra FILE` on a 2048×5504 F32 matrix (1024×2752 with `--quick`) as a
/// whole process, start to exit, writing a fresh cache each run, against numpy's fastest
/// in-process route (float64 Gram + `eigvalsh`, `spectra.py … gram`).
enum SpectraBenchmark {
    static let requiredSpeedup = 3.0
    static let tolerance = 1e-6

    static func run(_ options: BenchOptions) throws -> [String] {
        let sizes = options.quick ? [(1024, 1024), (1024, 2752)] : [(4096, 4096), (4096, 11008)]
        var lines = ["spectra: all singular values, rankscope (Gram + dsyevd or dsyevd_2stage, \(BLASThreads.count) BLAS threads) vs numpy / scipy on the same bytes"]
        for (rows, columns) in sizes {
            for dtype in [DType.F32, .BF16] {
                lines += try compare(rows: rows, columns: columns, dtype: dtype, options: options)
            }
        }
        lines += try wholeProcess(rows: options.quick ? 1024 : 2048, columns: options.quick ? 2752 : 5504, options: options)
        return lines
    }

    /// The whole `rankscope spectra` process (cache write included) against numpy's Gram +
    /// `eigvalsh` in-process, on the same F32 bytes.
    private static func wholeProcess(rows: Int, columns: Int, options: BenchOptions) throws -> [String] {
        let label = "\(rows)×\(columns) F32, whole process"
        guard let rankscope = options.rankscopeExecutable else {
            return ["  \(label): skipped, no rankscope executable next to rankscope-bench (scripts/bench builds it)"]
        }
        let path = try BenchMatrices.file("gaussian-\(rows)x\(columns)-F32.safetensors", rows: rows, columns: columns,
                                          dtype: .F32, recipe: "gaussian seed 6", options: options) {
            BenchMatrices.gaussian(rows: rows, columns: columns, seed: 6)
        }
        let cache = NSTemporaryDirectory() + "rankscope-bench-spectra-cache-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let ours = try Timing(runs: options.heavyRuns) {
            try? FileManager.default.removeItem(atPath: cache)
            try ListingBenchmark.run(rankscope, ["spectra", path], environment: ["XDG_CACHE_HOME": cache])
        }
        let cached = FileManager.default.fileExists(atPath: cache + "/rankscope")
        let output = try options.dataPath("anchor-gram-\(rows)x\(columns)-F32.npy")
        let anchor = try PythonAnchor.timing(PythonAnchor.run("spectra.py", [path, BenchMatrices.tensorName, "gram",
                                                                              String(options.heavyRuns), output]))
        let speedup = anchor.median / ours.median
        return [
            BenchReport.row("\(label): rankscope spectra FILE", "\(ours.summary)  start to exit, fresh cache written: \(cached ? "yes" : "NO")"),
            BenchReport.row("\(label): numpy Gram + eigvalsh", "\(anchor.summary)  in-process → rankscope \(BenchReport.ratio(speedup)) faster"),
            BenchReport.verdict(speedup > 1 && cached, "\(label): faster than numpy's best in-process method"),
        ]
    }

    private static func compare(rows: Int, columns: Int, dtype: DType, options: BenchOptions) throws -> [String] {
        let label = "\(rows)×\(columns) \(dtype.rawValue)"
        let path = try BenchMatrices.file("gaussian-\(rows)x\(columns)-\(dtype.rawValue).safetensors", rows: rows, columns: columns,
                                          dtype: dtype, recipe: "gaussian seed 6", options: options) {
            BenchMatrices.gaussian(rows: rows, columns: columns, seed: 6)
        }
        var values: [Double] = []
        let ours = try BenchMatrices.withSource(path) { source in
            try Timing(runs: options.heavyRuns, warmUp: false) { values = try SingularValues.compute(source) }
        }
        var lines = [BenchReport.row("\(label) rankscope", ours.summary)]
        var passed = true
        for method in ["numpy", "scipy"] {
            let output = try options.dataPath("anchor-\(method)-\(rows)x\(columns)-\(dtype.rawValue).npy")
            let anchor = try PythonAnchor.timing(PythonAnchor.run("spectra.py", [path, BenchMatrices.tensorName, method,
                                                                                  String(options.anchorRuns), output]))
            let reference = try NumpyFile.read(output)
            let error = largestDeviation(values, reference)
            let speedup = anchor.median / ours.median
            lines.append(BenchReport.row("\(label) \(method)", "\(anchor.summary)  → rankscope \(BenchReport.ratio(speedup)) faster; max |Δσ|/σ₁ = \(BenchReport.scientific(error))"))
            if method == "numpy" { passed = speedup >= requiredSpeedup && error <= tolerance }
        }
        lines.append(BenchReport.verdict(passed, "\(label): ≥ \(Int(requiredSpeedup))× numpy at |Δσ| ≤ \(BenchReport.scientific(tolerance))·σ₁"))
        return lines
    }

    /// max |aᵢ − bᵢ| / b₁ over both lists (both descending); infinity when their lengths differ.
    static func largestDeviation(_ values: [Double], _ reference: [Double]) -> Double {
        guard values.count == reference.count, let largest = reference.first, largest > 0 else { return .infinity }
        return zip(values, reference).map { abs($0 - $1) }.max()! / largest
    }
}
