import Foundation
import LinearAlgebra
import Planning
import SafeTensors

/// The `model` section: spectra of every matrix of a generated Llama-shaped BF16 checkpoint
/// (``GaussianCheckpoint`` at hidden 1024, MLP 2752, 16 blocks, vocabulary 8192: 114 matrices,
/// ~0.4 GB; hidden 512 and 4 blocks with `--quick`) by `SpectrumEngine` with its own worker
/// pool and no cache, as achieved GFLOP/s beside the rate one large `cblas_dgemm` reaches on
/// the same machine in the same run.
///
/// Flops counted are those the method needs, `GramSpectrumMethod.flops(rows:columns:)`: for an m×n
/// matrix with s = min(m, n) and l = max(m, n), s²·l for the Gram matrix (`dsyrk` computes one
/// triangle: half of the 2·s²·l a general product would) plus 4s³/3 for `dsyevd`'s reduction to
/// tridiagonal form (the eigenvalues of the tridiagonal matrix cost O(s²), not counted).
enum ModelSpectraBenchmark {
    static let requiredFraction = 0.5

    static func run(_ options: BenchOptions) throws -> [String] {
        let model = options.quick ? GaussianCheckpoint.llama(hidden: 512, blocks: 4) : GaussianCheckpoint.llama(hidden: 1024, blocks: 16)
        let folder = try GaussianCheckpoint.folder("llama-\(model.hiddenSize)x\(model.blockCount)", model: model, options: options)
        let checkpoint = try Checkpoint(path: folder)
        let entries = LayerCatalog(checkpoint: checkpoint).entries.filter(\.hasSpectrum)
        let flops = entries.compactMap(\.matrixShape).reduce(0) { $0 + GramSpectrumMethod().flops(rows: $1.rows, columns: $1.columns) }

        var failures = 0
        let spectra = Timing(runs: options.quick ? options.heavyRuns : 1, warmUp: false) {
            let events = SpectrumEngine(checkpoint: checkpoint, cache: nil).run(entries)
            failures = events.filter { if case .failed = $0 { return true } else { return false } }.count
        }
        let rate = flops / spectra.median / 1e9
        let dgemm = DGEMMRate.measure(order: options.quick ? 2048 : 4096, runs: options.heavyRuns)
        let fraction = rate / dgemm.gigaflops
        let size = Double(checkpoint.totalBytes) / 1e9
        return [
            "model: spectra of all \(entries.count) matrices of a Llama-shaped checkpoint (hidden \(model.hiddenSize), \(model.blockCount) blocks, \(String(format: "%.2f", size)) GB BF16), SpectrumEngine, no cache",
            BenchReport.row("rankscope SpectrumEngine", "\(spectra.summary)  → \(String(format: "%.1f", flops / 1e9)) GFLOP needed, \(String(format: "%.1f", rate)) GFLOP/s\(failures > 0 ? ", \(failures) FAILED" : "")"),
            BenchReport.row("anchor: cblas_dgemm \(options.quick ? 2048 : 4096)²", "\(dgemm.timing.summary)  → \(String(format: "%.1f", dgemm.gigaflops)) GFLOP/s; spectra run at \(String(format: "%.0f", 100 * fraction))% of it"),
            BenchReport.verdict(failures == 0 && fraction >= requiredFraction, "whole-model spectra ≥ \(Int(100 * requiredFraction))% of the DGEMM rate"),
        ]
    }
}
