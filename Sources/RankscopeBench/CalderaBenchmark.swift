import Compression
import Foundation
import LinearAlgebra
import Planning

/// The `caldera` section (issue 22): compression time per layer of every CALDERA backbone
/// (round-to-nearest groups, incoherence processing + round-to-nearest, incoherence + E8P, and
/// incoherence + E8P + block LDLQ with statistics; scalar LDLQ with statistics for context), each
/// at one and at two alternations so that the cost of one more iteration (`--caldera-iterations`)
/// is stated, beside two anchors measured in the same run on the same matrix: its plain truncated
/// SVD at the same rank (``LinearAlgebra/TruncatedSVD``) and one DGEMM `W·G` (m×n times n×n).
///
/// Shapes: SmolLM2-135M's 576×576 (q/o_proj), 1536×576 (gate/up_proj) and 576×1536 (down_proj) at
/// rank 16, and one Llama-2-7B-like 4096×4096 at rank 64 (1024×1024 at rank 16 with `--quick`).
/// Weights are heavy-tailed (Student-t-like, tail index 3, as `whole-model` draws them); the
/// statistics are synthetic and correlated: `H = D·(F·Fᵀ/r + I)·D` with F n×32 Gaussian (a few
/// shared input directions) and channel scales D spread over three orders of magnitude. 4-bit
/// factors, groups of 128, 2-bit backbones. Everything runs on one BLAS thread, as each worker of
/// `compress --parallel-layers` does. Each figure is the median of ``BenchOptions/heavyRuns`` runs
/// (this thread's CPU time, the steadier figure on a shared machine, with the wall time beside it)
/// and is printed with the errors of the layer it produced (weight error, and output error with
/// statistics), so a faster path that changes the result shows it. `RANKSCOPE_BENCH_CALDERA=TEXT`
/// runs only the rows whose "shape method" label contains TEXT (e.g. `gate/up_proj stats`), for profiling.
enum CalderaBenchmark {
    /// One shape: its label, rows, columns and rank.
    struct Shape {
        let label: String
        let rows: Int
        let columns: Int
        let rank: Int
    }

    /// One way of compressing a layer.
    struct Method {
        let label: String
        let incoherence: Bool
        let codebook: BackboneCodebook
        let statistics: Bool
    }

    static let methods = [
        Method(label: "RTN (today's CALDERA)", incoherence: false, codebook: .scalar, statistics: false),
        Method(label: "incoherence + RTN", incoherence: true, codebook: .scalar, statistics: false),
        Method(label: "incoherence + E8P", incoherence: true, codebook: .e8p, statistics: false),
        Method(label: "stats: LDLQ (scalar)", incoherence: false, codebook: .scalar, statistics: true),
        Method(label: "stats: incoherence + E8P + LDLQ", incoherence: true, codebook: .e8p, statistics: true),
    ]

    static func shapes(quick: Bool) -> [Shape] {
        [Shape(label: "SmolLM2 q/o_proj", rows: 576, columns: 576, rank: 16),
         Shape(label: "SmolLM2 gate/up_proj", rows: 1536, columns: 576, rank: 16),
         Shape(label: "SmolLM2 down_proj", rows: 576, columns: 1536, rank: 16),
         quick ? Shape(label: "7B-like ÷4", rows: 1024, columns: 1024, rank: 16)
               : Shape(label: "Llama-2-7B q_proj", rows: 4096, columns: 4096, rank: 64)]
    }

    static func run(_ options: BenchOptions) throws -> [String] {
        let saved = BLASThreads.count
        BLASThreads.count = 1
        defer { BLASThreads.count = saved }
        let runs = options.heavyRuns
        let filter = ProcessInfo.processInfo.environment["RANKSCOPE_BENCH_CALDERA"]
        print("caldera: compression time per layer, 4-bit factors, 2-bit backbone, groups of 128, one BLAS thread, median of \(runs);")
        print("  heavy-tailed weights, correlated synthetic statistics; '+1 iteration' is 2 alternations minus 1")
        for shape in shapes(quick: options.quick) {
            let bits = WholeModelBenchmark.heavyTailed(count: shape.rows * shape.columns, seed: UInt64(shape.rows * 31 + shape.columns))
            let (weight, singularValues) = try bits.withUnsafeBytes { bytes in
                let source = MatrixSource(base: bytes.baseAddress!, rows: shape.rows, columns: shape.columns, format: .bf16)
                return (try Matrix(source), try SingularValues.compute(source))  // as the compress job has them from its cache
            }
            let whitening = try Whitening(LayerInputStatistics(module: "bench.\(shape.rows)x\(shape.columns)",
                                                               secondMoment: correlatedSecondMoment(order: shape.columns),
                                                               meanSquare: nil, tokens: 1))
            var generator = SeededGenerator(seed: 11)
            let square = Matrix.gaussian(rows: shape.columns, columns: shape.columns, using: &generator)
            let svd = try Timing.wallAndCPU(runs: runs) { _ = try TruncatedSVD(of: weight, rank: shape.rank).balancedFactors }
            let dgemm = try Timing.wallAndCPU(runs: runs) { _ = try weight.multiplied(by: square) }
            print("\(shape.label) \(shape.rows)×\(shape.columns), rank \(shape.rank)")
            print(BenchReport.row("  anchor: truncated SVD rank \(shape.rank)", describe(svd)))
            print(BenchReport.row("  anchor: DGEMM \(shape.rows)×\(shape.columns)·\(shape.columns)²", describe(dgemm)))
            for method in methods where filter.map({ "\(shape.label) \(method.label)".contains($0) }) ?? true {
                var figures = ""
                func compress(iterations: Int) throws {
                    let result = try Self.compress(weight, shape: shape, method: method, whitening: whitening,
                                                   singularValues: singularValues, iterations: iterations)
                    figures = String(format: "weight error %.4f", result.weightError)
                        + (result.outputError.map { String(format: ", output error %.4f", $0) } ?? "")
                }
                let one = try Timing.wallAndCPU(runs: runs) { try compress(iterations: 1) }
                let two = try Timing.wallAndCPU(runs: runs) { try compress(iterations: 2) }
                print(BenchReport.row("  \(method.label)", "2 iterations \(describe(two)); \(figures)"))
                print(BenchReport.row("", "1 iteration CPU \(Timing.format(one.cpu.median)), +1 iteration \(Timing.format(two.cpu.median - one.cpu.median))"
                                      + "; 2 iterations = \(BenchReport.ratio(two.cpu.median / svd.cpu.median)) SVD, "
                                      + "\(BenchReport.ratio(two.cpu.median / dgemm.cpu.median)) DGEMM (CPU)"))
            }
            fflush(stdout)
        }
        return []
    }

    /// One compression of `weight` by `method` at `iterations` alternations: its weight error and,
    /// with statistics, its output error.
    static func compress(_ weight: Matrix, shape: Shape, method: Method, whitening: Whitening, singularValues: [Double],
                         iterations: Int) throws -> (weightError: Double, outputError: Double?) {
        let name = "model.layers.0.bench.weight"
        let choice = LayerChoice.lowRank(rank: shape.rank, factorBits: 4, groupSize: 128, backboneBits: 2, codebook: method.codebook)
        let options = CompressionOptions(factorType: .F16, calderaIterations: iterations,
                                         incoherenceSeed: method.incoherence ? 0x5EED : nil, backboneCodebook: method.codebook)
        if method.statistics {
            let result = try DataAwareCompressor.compress(weight: weight, name: name, choice: choice, whitening: whitening,
                                                          options: options)
            return (result.compressed.measuredRelativeError, result.measuredOutputError)
        }
        let result = try MatrixCompressor.compress(weight: weight, name: name, choice: choice, options: options, singularValues: singularValues)
        return (result.measuredRelativeError, nil)
    }

    /// `CPU 1.23 s (N=3, 1.20–1.31 s), wall 1.40 s`.
    static func describe(_ timing: (wall: Timing, cpu: Timing)) -> String {
        "CPU \(Timing.format(timing.cpu.median)) (N=\(timing.cpu.seconds.count), \(Timing.format(timing.cpu.seconds.min() ?? 0))–"
            + "\(Timing.format(timing.cpu.seconds.max() ?? 0))), wall \(Timing.format(timing.wall.median))"
    }

    /// `D·(F·Fᵀ/r + I)·D` (n×n): r = 32 shared Gaussian directions over an identity, channel scales
    /// `D_i = 10^(3·u_i − 1.5)` (u uniform), a correlated second moment with a wide diagonal.
    static func correlatedSecondMoment(order n: Int, shared r: Int = 32) throws -> Matrix {
        var generator = SeededGenerator(seed: UInt64(n) &* 977)
        let f = Matrix.gaussian(rows: n, columns: r, using: &generator)
        let scales = (0..<n).map { _ in pow(10, 3 * generator.nextUniform() - 1.5) }
        var moment = try f.multiplied(byTransposeOf: f)
        for i in 0..<n {
            for j in 0..<n { moment[i, j] = scales[i] * (moment[i, j] / Double(r) + (i == j ? 1 : 0)) * scales[j] }
        }
        return moment
    }
}
