import ArgumentParser
import Compression
import Foundation
import Planning
import SafeTensors

/// The options `compress` and `merge` share (they describe one job, which must be the same for
/// every part of it), and the run itself.
struct CompressOptions: ParsableArguments {
    @OptionGroup var checkpoint: CheckpointArgument

    @Option(help: "The plan file (as written by `rankscope plan --out` or the explorer).")
    var plan: String

    @Option(help: "The output folder.")
    var out: String

    @Flag(help: "Replace an existing output folder.")
    var force = false

    @Flag(help: "Continue the interrupted job in the output folder.")
    var resume = false

    @OptionGroup var parallelLayers: ParallelLayersOption

    @Option(help: "Memory the layers in flight may use together, about 40 bytes per weight each, e.g. 4GB (4·10⁹ bytes) or 4GiB (4·2³⁰).")
    var memoryLimit = "4GB"

    @Option(help: "Largest shard (tensor bytes), e.g. 5GB (5·10⁹ bytes, Hugging Face's default) or 2GiB (2·2³⁰).")
    var maxShardSize = "5GB"

    @Flag(help: "Write each compressed layer as one dense P.weight = W_k instead of factors, for tools that expect the original shapes.")
    var dense = false

    @Option(help: "Type of unquantized (16-bit) outputs: bf16, f16 or f32 (default: a BF16/F16 layer's own type, bf16 for F32/F64 layers, as the plan counts; f32 writes twice the planned bytes).")
    var factorType: String?

    @Option(help: "CALDERA alternations per layer.")
    var calderaIterations = 10

    @Flag(help: "Incoherence processing for CALDERA layers: quantize U·W·Vᵀ with randomized Hadamard transforms U, V (their seeds go into config.json; readers undo them).")
    var incoherence = false

    @Flag(help: "Quantize CALDERA backbones with QuIP#'s E8P lattice codebook at their backbone bits (2: E8P, 3: + a sign residual, 4: + an E8P residual; one F16 scale per row and stage; best with --incoherence; block LDLQ with --stats).")
    var e8p = false

    @OptionGroup var json: JSONFlag

    @Flag(help: "Print progress as JSON lines on standard output (protocol in docs/compression.md).")
    var events = false

    @OptionGroup var cache: CacheOption

    @OptionGroup var statisticsOption: StatisticsOption

    func validate() throws {
        if calderaIterations < 1 { throw ValidationError("--caldera-iterations must be at least 1.") }
        if json.isOn && events { throw ValidationError("Give at most one of --json and --events.") }
        if let factorType, CompressOptions.outputType(factorType) == nil {
            throw ValidationError("--factor-type must be bf16, f16 or f32, not '\(factorType)'.")
        }
    }

    /// Runs the job: all layers, only `shard`'s, or assembling the parts in `mergeFrom`.
    func run(shard: JobShard? = nil, mergeFrom: [String] = []) throws {
        do {
            try compress(shard: shard, mergeFrom: mergeFrom)
        } catch let error where events && !(error is ExitCode) {
            // Problems found before the job starts (plan, checkpoint, options) are protocol lines too.
            StandardOutput.write(JobEvent.stoppedLine(error) + "\n", flush: true)
            throw error
        }
    }

    private func compress(shard: JobShard?, mergeFrom: [String]) throws {
        guard let memory = QuantityParser.byteCount(memoryLimit), memory > 0 else {
            throw PlanOptions.Failure("--memory-limit '\(memoryLimit)' is not a size; write e.g. 4GB or 512MiB")
        }
        guard let shardSize = QuantityParser.byteCount(maxShardSize), shardSize > 0 else {
            throw PlanOptions.Failure("--max-shard-size '\(maxShardSize)' is not a size; write e.g. 5GB or 500MB")
        }
        // Past a file-size limit (`ulimit -f`), make writes fail with EFBIG, reported like a full
        // disk, instead of the process being killed by SIGXFSZ.
        signal(SIGXFSZ, SIG_IGN)
        let catalog = try checkpoint.openCatalog()
        let statistics = try statisticsOption.open()
        let scope: CompressPlanInput.Scope = shard.map { .part($0) } ?? (mergeFrom.isEmpty ? .whole : .merge)
        let input = try CompressPlanInput.choices(planPath: plan, catalog: catalog, useCache: cache.useCache, jobs: nil,
                                                  statistics: statistics, scope: scope)
        var settings = JobSettings(outputFolder: out, force: force, resume: resume, jobs: parallelLayers.count, memoryLimit: memory,
                                   maxShardSize: shardSize, factorType: factorType.flatMap(CompressOptions.outputType),
                                   materializeDense: dense, calderaIterations: calderaIterations, planLabel: plan,
                                   shard: shard, mergeFrom: mergeFrom, statistics: statistics, incoherence: incoherence)
        settings.backboneCodebook = e8p ? .e8p : .scalar
        let job = try CompressionJob(checkpoint: catalog.checkpoint, choices: input.choices,
                                     singularValues: input.singularValues, settings: settings)
        let progress = CompressProgress(linesOnStandardOutput: events)
        let interrupt = InterruptHandler { job.cancel() }
        defer { interrupt.restore() }
        let report: JobReport
        do {
            report = try job.run { progress.show($0) }
        } catch {
            progress.erase()
            if case JobError.cancelled = error {
                if events { StandardOutput.write(JobEvent.stoppedLine(error) + "\n", flush: true) }
                Termination.printError("rankscope: " + String(describing: error))
                throw ExitCode(130)
            }
            throw error
        }
        // Loud on every output mode: standard error, whatever standard output carries.
        for warning in report.layers.compactMap(\.warning) { Termination.printError("rankscope: warning: " + warning) }
        if json.isOn {
            StandardOutput.write(try report.encoded())
        } else if !events {
            StandardOutput.printLines(CompressTable.render(report))
        }
    }

    /// The dtype named by `--factor-type`.
    static func outputType(_ text: String) -> DType? {
        ["bf16": DType.BF16, "f16": .F16, "f32": .F32][text.lowercased()]
    }
}
