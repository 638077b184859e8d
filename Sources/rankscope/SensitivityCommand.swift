import ArgumentParser
import Evaluation
import Foundation
import LinearAlgebra
import ModelRuntime
import Planning
import SafeTensors

/// `rankscope sensitivity PATH --text FILE --out PROFILE`: measures how the model's loss grows
/// when only one matrix at a time is truncated, at a few ranks, and writes the sensitivity
/// profile that `plan --sensitivity` and `eval --sensitivity` predict quality from.
struct SensitivityCommand: ParsableCommand, ModelTextCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensitivity",
        abstract: "Measure each matrix's effect on the model's loss when truncated alone (a sensitivity profile).",
        discussion: """
        For every compressible matrix the runtime uses, and each probe rank (fractions of \
        min(m, n), --ranks) and factor bit width (16, plus --bits), the matrix alone is truncated \
        as `compress` would write it (plain SVD, or data-aware with --stats) and the model's loss \
        is measured: causal LMs, the mean next-token log-loss over windows of --seq-len tokens of \
        the first --max-tokens; encoders, 1 − the mean cosine of each sentence's embedding (FILE: \
        one a line) to the original's. One forward pass per probe runs only the blocks from the \
        truncated matrix's on (the others' inputs are recorded once). Profiles are cached beside \
        the spectra, keyed by the checkpoint's files, the text and the statistics; Ctrl-C keeps \
        the matrices done and the next run resumes. The profile's JSON layout is in docs/evaluation.md.
        """
    )

    static let textDefaults = ModelTextDefaults(
        textHelp: "The text (UTF-8) the loss is measured on; for an encoder, one sentence a line.",
        sequenceLength: 128, sequenceLengthHelp: "Tokens per window (causal models).",
        maximumTokens: nil, maximumTokensHelp: "Use at most this many tokens of the text (causal models: default 1,024, 8 windows of 128, so that each half of the windows has 4; encoders: whole sentences up to this many tokens, default all).")

    @OptionGroup var input: ModelTextOptions<SensitivityCommand>

    @Option(help: ArgumentHelp("The profile to write (JSON).", valueName: "profile"))
    var out: String

    @OptionGroup var statistics: StatisticsOption

    @Option(help: "Probe ranks as fractions of each matrix's full rank, e.g. 0.75,0.5,0.3.")
    var ranks = "0.75,0.5,0.3"

    @Option(help: "Factor bit widths to probe besides 16, e.g. 8,4.")
    var bits: String?

    @OptionGroup var cache: CacheOption

    func run() throws {
        try BLASLoading.require()
        let fractions = try Self.fractions(ranks)
        let widths = try [16] + (bits.map { try PlanOptions.bitWidths($0, option: "--bits") }?.subtracting([16]).sorted(by: >) ?? [])
        let run = try self.input.open()
        let (opened, model, encode, contents) = (run.checkpoint, run.model, run.encode, run.contents)
        let catalog = LayerCatalog(checkpoint: opened)
        let statistics = try self.statistics.open()
        let (text, seqLen, stats) = (self.input.text, self.input.seqLen, self.statistics.path)
        let textBytes = Data(contents.utf8)
        let causal = model.hyperparameters.family.isCausal
        let tokenLimit = self.input.maxTokens ?? (causal ? 1024 : nil)
        let key = SensitivityCache.key(checkpoint: opened, text: textBytes, statisticsFingerprint: statistics?.fingerprint,
                                       seqLen: causal ? seqLen : nil, maxTokens: tokenLimit, rankFractions: fractions,
                                       bits: Array(widths.dropFirst()))
        let cache = self.cache.useCache ? SensitivityCache() : nil
        let cached = cache?.profile(forKey: key)
        if let cached, Self.hasJointProbes(cached, fractions: fractions) {
            try write(cached, note: "from the cache")
            return
        }
        let input: LossProbe.Input
        if causal {
            input = .windows(try TokenWindows.perplexityWindows(encode(contents), length: seqLen, maximumTokens: tokenLimit!, file: text))
        } else {
            var sentences = try ModelTextInput.sentences(contents, file: text, encode: encode, model: model, checkpointPath: opened.path)
            if let tokenLimit {
                var total = 0
                sentences = Array(sentences.prefix { total += $0.count; return total <= tokenLimit })
                guard sentences.count >= 2 else { throw EvaluationError.tooFewSentences(file: text, count: sentences.count) }
            }
            input = .sentences(sentences)
        }
        BLASThreads.count = ProcessInfo.processInfo.activeProcessorCount
        let started = Date()
        let probe = try LossProbe(model: model, input: input)

        let entries = catalog.compressibleEntries
        let unused = entries.map(\.info.name).filter { model.unusedModules.contains(String($0.dropLast(".weight".count))) }
        let probed = entries.filter { model.block(of: String($0.info.name.dropLast(".weight".count))) != nil }
        let tensors = try SpectrumRun.plannedTensors(of: catalog, useCache: self.cache.useCache, jobs: nil, purpose: "A sensitivity profile",
                                                     statistics: statistics, onlyCovered: statistics != nil,
                                                     only: Set(probed.map(\.info.name)))
        BLASThreads.count = ProcessInfo.processInfo.activeProcessorCount
        let spectra = Dictionary(tensors.compactMap { tensor in tensor.spectrum.map { (tensor.name, $0) } }) { first, _ in first }
        let matrices = try probed.map { entry -> SensitivityMeasurement.Matrix in
            guard let spectrum = spectra[entry.info.name], let shape = entry.matrixShape else {
                throw PlanOptions.Failure("\(stats ?? opened.path) has no statistics for \(entry.info.name), so it cannot be truncated data-aware")
            }
            return SensitivityMeasurement.Matrix(name: entry.info.name, rows: shape.rows, columns: shape.columns,
                                                 singularValues: spectrum.singularValues)
        }
        let measurement = SensitivityMeasurement(checkpoint: opened, probe: probe, statistics: statistics,
                                                 rankFractions: fractions, bits: widths)
        let settings = SensitivityProfile.Settings(checkpoint: opened.path, text: text, seqLen: causal ? seqLen : nil,
                                                   maxTokens: tokenLimit ?? probe.tokens, tokens: probe.tokens, statistics: stats,
                                                   truncation: statistics == nil ? .svd : .dataAware, rankFractions: fractions,
                                                   bits: Array(widths.dropFirst()), key: key)
        // A cached profile from before joint probes existed keeps its matrices and gains the joint probes.
        let resumed = cached ?? cache?.partial(forKey: key)
        var done = Dictionary(uniqueKeysWithValues: (resumed?.matrices ?? []).map { ($0.name, $0) })
        var joint = resumed?.joint ?? []
        // Probes at the same (matrix, rank, bits) measured by runs with other --ranks/--bits are taken as they are.
        let reused = cache?.reusableProbes(forKey: key) ?? .init()
        let earlierSeconds = resumed?.seconds ?? 0
        func profile() -> SensitivityProfile {
            SensitivityProfile(metric: probe.metric, originalLoss: probe.originalLoss,
                               seconds: earlierSeconds + Date().timeIntervalSince(started), settings: settings, unused: unused,
                               matrices: matrices.compactMap { done[$0.name] }, joint: joint)
        }
        let total = matrices.reduce(0) { $0 + measurement.probeCount(fullRank: min($1.rows, $1.columns)) } + fractions.count
        var completed = matrices.filter { done[$0.name] != nil }.reduce(0) { $0 + measurement.probeCount(fullRank: min($1.rows, $1.columns)) }
        let reusedCount = matrices.filter { done[$0.name] == nil }.reduce(0) { $0 + measurement.reusedCount($1, from: reused) }
            + fractions.filter { fraction in !joint.contains { $0.rankFraction == fraction } && reused.joint(fraction: fraction, factorBits: 16) != nil }.count
        completed += reusedCount
        if cached != nil {
            Termination.printError("rankscope: the cached profile has no joint probes (all matrices truncated at once); measuring them.")
        } else if !done.isEmpty {
            Termination.printError("rankscope: resuming: \(done.count) of \(matrices.count) matrices were measured by an interrupted run.")
        }
        if reusedCount > 0 {
            Termination.printError("rankscope: reusing \(reusedCount) of \(total) probes measured by cached profiles with other --ranks or --bits (same checkpoint, text and statistics).")
        }
        let progress = ProgressLine()
        let cancel = CancellationFlag()
        let interrupt = InterruptHandler { cancel.cancel() }
        defer { interrupt.restore() }
        let runStart = Date(), resumedAt = completed
        for matrix in matrices where done[matrix.name] == nil {
            if cancel.isCancelled { break }
            do {
                done[matrix.name] = try measurement.measure(matrix, reusing: reused, progress: {
                    completed += 1
                    let rate = Date().timeIntervalSince(runStart) / Double(max(completed - resumedAt, 1))
                    progress.update(completed: completed, total: total, note: String(format: "%.1f s/probe", rate))
                }, isCancelled: { cancel.isCancelled })
            } catch LinearAlgebraError.cancelled {
                break
            }
            do { try cache?.storePartial(profile()) } catch {
                Termination.printError("rankscope: warning: the partial profile could not be cached (\(SystemErrorText.reason(of: error))); an interrupted run will start over.")
            }
        }
        completed += joint.count
        for fraction in fractions where !joint.contains(where: { $0.rankFraction == fraction }) {
            if cancel.isCancelled || done.count < matrices.count { break }
            if let probe = reused.joint(fraction: fraction, factorBits: 16) {
                joint.append(probe)
                continue
            }
            do {
                joint.append(try measurement.measureJoint(matrices, fraction: fraction, isCancelled: { cancel.isCancelled }))
            } catch LinearAlgebraError.cancelled {
                break
            }
            completed += 1
            progress.update(completed: completed, total: total, note: "all matrices at once")
            try? cache?.storePartial(profile())
        }
        progress.finish()
        if cancel.isCancelled && (done.count < matrices.count || joint.count < fractions.count) {
            Termination.printError("rankscope: interrupted after \(done.count) of \(matrices.count) matrices; " + (cache == nil ? "nothing is kept (--no-cache)." : "the next run resumes from there."))
            throw ExitCode(130)
        }
        let finished = profile()
        do { try cache?.store(finished) } catch {
            Termination.printError("rankscope: warning: the profile could not be cached (\(SystemErrorText.reason(of: error))).")
        }
        try write(finished, note: "\(total) probes")
    }

    /// Whether `profile` has a joint probe at every fraction.
    static func hasJointProbes(_ profile: SensitivityProfile, fractions: [Double]) -> Bool {
        fractions.allSatisfy { fraction in profile.joint?.contains { $0.rankFraction == fraction } ?? false }
    }

    /// Writes the profile to `--out` and prints one line about it.
    private func write(_ profile: SensitivityProfile, note: String) throws {
        try AtomicFile.write(profile.encoded(), to: out)
        let original = profile.originalPerplexity.map { String(format: "perplexity %.3f", $0) } ?? String(format: "%@ %.4f", profile.metric.description, profile.originalLoss)
        print("\(out): sensitivity of \(profile.matrices.count) matrices over \(Formatting.grouped(profile.settings.tokens)) tokens "
              + "(\(note), \(String(format: "%.0f", profile.seconds)) s measuring; original \(original))")
    }

    /// `0.75,0.5,0.3` → fractions in (0, 1).
    static func fractions(_ text: String) throws -> [Double] {
        let values = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0.map { $0 > 0 && $0 < 1 } ?? false }) else {
            throw PlanOptions.Failure("--ranks '\(text)' must list fractions of the full rank between 0 and 1, separated by commas, e.g. 0.75,0.5,0.3")
        }
        return values.map { $0! }
    }
}
