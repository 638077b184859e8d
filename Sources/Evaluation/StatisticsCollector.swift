import COpenBLAS
import Foundation
import LinearAlgebra
import ModelRuntime
import Planning

/// Collects per-linear-layer input statistics while a model runs: `Σ x·xᵀ` (float64, `dsyrk`) or
/// `Σ x²` per channel (`diagonalOnly`), and the token count, for every linear module including
/// the output head `lm_head` — what `scripts/collect-stats.py`'s hooks on `nn.Linear` sum (it
/// does not see GPT-2's Conv1D layers; this collector does).
public final class StatisticsCollector {
    /// Whether only per-channel mean squares are kept (n values per layer instead of n²).
    public let diagonalOnly: Bool
    private var sums: [String: [Double]] = [:]
    private var widths: [String: Int] = [:]
    private var tokens: [String: Int] = [:]

    /// A collector keeping full second moments, or only their diagonals.
    public init(diagonalOnly: Bool) {
        self.diagonalOnly = diagonalOnly
    }

    /// Runs `chunks` through `model` (one chunk per forward pass, as the Python collector does)
    /// with the collector observing every linear layer's input.
    public func collect(_ model: TransformerModel, chunks: [[Int]], progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws {
        model.inputObserver = { [unowned self] module, input, rows, width in
            self.add(module: module, input: input, rows: rows, width: width)
        }
        defer { model.inputObserver = nil }
        progress(0, chunks.count)
        for (index, chunk) in chunks.enumerated() {
            if model.hyperparameters.family.isCausal {
                _ = try model.negativeLogLikelihood(windows: [chunk])
            } else {
                _ = try model.hiddenStates([chunk])
            }
            progress(index + 1, chunks.count)
        }
    }

    /// Adds `rows` input vectors of `width` channels for `module`.
    public func add(module: String, input: UnsafePointer<Float>, rows: Int, width: Int) {
        guard rows > 0 else { return }
        var sum = sums[module] ?? [Double](repeating: 0, count: diagonalOnly ? width : width * width)
        let converted = UnsafeMutablePointer<Double>.allocate(capacity: rows * width)
        defer { converted.deallocate() }
        for i in 0..<(rows * width) { converted[i] = Double(input[i]) }
        sum.withUnsafeMutableBufferPointer { s in
            if diagonalOnly {
                for row in 0..<rows {
                    let line = converted + row * width
                    for c in 0..<width { s[c] += line[c] * line[c] }
                }
            } else {
                // Lower triangle of Σ xᵀx (row-major: C = Aᵀ·A with A = rows × width).
                cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, Int32(width), Int32(rows), 1,
                            converted, Int32(width), 1, s.baseAddress!, Int32(width))
            }
        }
        sums[module] = sum
        widths[module] = width
        tokens[module, default: 0] += rows
    }

    /// The averaged statistics per module (`Σ/T`, symmetric), sorted by module name.
    public func statistics() -> [LayerInputStatistics] {
        sums.keys.sorted().map { module in
            let width = widths[module]!, count = tokens[module]!
            let sum = sums[module]!
            if diagonalOnly {
                return LayerInputStatistics(module: module, secondMoment: nil, meanSquare: sum.map { $0 / Double(count) }, tokens: count)
            }
            var full = [Double](repeating: 0, count: width * width)
            for i in 0..<width {
                for j in 0...i {
                    let value = sum[i * width + j] / Double(count)
                    full[i * width + j] = value
                    full[j * width + i] = value
                }
            }
            let moment = try! Matrix(rows: width, columns: width, elements: full)
            return LayerInputStatistics(module: module, secondMoment: moment,
                                        meanSquare: (0..<width).map { full[$0 * width + $0] }, tokens: count)
        }
    }

    /// Writes the statistics file (layout of ``ActivationStatistics``), atomically.
    public func write(path: String) throws {
        try ActivationStatisticsWriter.write(path: path, layers: statistics())
    }
}
