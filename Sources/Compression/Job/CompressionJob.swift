import Foundation
import LinearAlgebra
import Planning
import SafeTensors
import StrictJSON

/// Runs a plan over a checkpoint and writes the compressed checkpoint folder: the engine behind
/// `rankscope compress`, usable in-process by anything that wants progress as ``JobEvent``s.
///
/// A run claims the output folder (``OutputFolder``: refuses an existing folder unless told,
/// takes a `flock` so two jobs never write one folder, never writes inside the input), records
/// the job in a journal (``JobJournal``), compresses the layers on `jobs` worker threads within
/// the memory limit (``LayerScheduler``), each finished layer's tensors going to its own journal
/// file, and then assembles the shards, index, `config.json`, side files and
/// `rankscope-report.json` (``CheckpointAssembler``). The input is only read.
///
/// With ``JobSettings/statistics`` (`--stats`), low-rank layers are compressed data-aware and
/// every layer the statistics cover also reports its output error (``DataAwareLayer``).
///
/// Stopping early: ``cancel()`` (the command line calls it on Ctrl-C or SIGTERM) lets layers in
/// flight finish and be recorded, then ``run(onEvent:)`` throws ``JobError/cancelled(folder:completed:total:)``;
/// a failure (unreadable matrix, full disk…) throws one sentence naming the file. Either way the
/// journal stays, and a run with ``JobSettings/resume`` skips every recorded layer and writes an
/// output byte-identical to an uninterrupted run's (the report's timings aside). A process killed
/// outright (`kill -9`) leaves the same journal, minus the layers it was compressing.
///
/// Background use: the explorer is meant to run `rankscope compress … --resume --events` as a
/// child process (the JSON-lines protocol of ``JobEvent/jsonLine``) rather than this class on a
/// thread: BLAS's thread count and the job's memory are process-wide, a crash or an out-of-memory
/// kill stays in the child, and cancelling is a SIGTERM that leaves a resumable journal.
public final class CompressionJob: @unchecked Sendable {
    /// The input.
    public let checkpoint: Checkpoint
    /// How the output is written.
    public let settings: JobSettings
    /// The layers to compress, in checkpoint order.
    let layers: [JobLayer]

    private let cancellation = CancellationFlag()

    /// Prepares a job, checking every choice against the checkpoint before anything is written:
    /// a name the checkpoint lacks, a tensor that is not a floating-point `….weight` matrix, or an
    /// impossible choice throws a ``JobError``. Choices keeping a tensor as stored are ignored.
    /// `singularValues` (descending, all of them) spare recomputing spectra for the estimates; with
    /// ``JobSettings/statistics`` they must be the data-aware ones (of `W·S`, as `plan --stats` uses).
    public init(checkpoint: Checkpoint, choices: [String: LayerChoice], singularValues: [String: [Double]] = [:],
                settings: JobSettings) throws {
        self.checkpoint = checkpoint
        self.settings = settings
        self.layers = try JobLayer.layers(of: checkpoint, choices: choices, singularValues: singularValues)
        if let statistics = settings.statistics { try Self.requireStatistics(statistics, for: layers, of: checkpoint) }
    }

    /// Checks `statistics` against `checkpoint` (shapes; not a file of the checkpoint itself) and
    /// that every low-rank layer has statistics, so a `--stats` job fails before writing anything.
    /// Dense layers need none (they are measured by output error only when the file covers them).
    ///
    /// - Throws: ``ActivationStatisticsError`` naming the file and the first layer at fault.
    static func requireStatistics(_ statistics: ActivationStatistics, for layers: [JobLayer], of checkpoint: Checkpoint) throws {
        try statistics.requireStatistics(for: [], of: checkpoint)
        for layer in layers where !statistics.hasStatistics(forWeight: layer.name) {
            guard case .lowRank = layer.choice else { continue }
            let module = ActivationStatistics.module(ofWeight: layer.name)
            throw ActivationStatisticsError(path: statistics.path, problem: "has no statistics for \(layer.name) (expected \(module)\(ActivationStatistics.secondMomentSuffix) or \(module)\(ActivationStatistics.meanSquareSuffix)); compress --stats needs them for every layer the plan factorizes")
        }
    }

    /// The number of layers the job compresses.
    public var layerCount: Int { layers.count }

    /// Asks the job to stop: no new layer starts, layers in flight finish and are recorded.
    /// Safe from any thread, including a signal handler's queue.
    public func cancel() {
        cancellation.cancel()
    }

    /// True once ``cancel()`` was called.
    public var isCancelled: Bool { cancellation.isCancelled }

    /// Bytes of memory a layer of `rows`×`columns` is budgeted while in flight: about five
    /// double-precision copies (the weight, its reconstruction, factors and workspace), 40 bytes
    /// per weight.
    public static func memoryNeeded(rows: Int, columns: Int) -> Int { 40 * rows * columns }

    /// As ``memoryNeeded(rows:columns:)`` for a data-aware layer (`--stats`): the whitened copy
    /// `W·S`, its singular vectors and the n×n statistics and Cholesky factor come on top, about
    /// 40 more bytes per weight and 24 per statistics entry.
    public static func dataAwareMemoryNeeded(rows: Int, columns: Int) -> Int { 80 * rows * columns + 24 * columns * columns }

    /// Runs the job, calling `onEvent` (one call at a time, from the job's threads) as it goes,
    /// and returns the report written to the output folder.
    public func run(onEvent: @escaping @Sendable (JobEvent) -> Void = { _ in }) throws -> JobReport {
        let started = Date()
        let events = JobEventSink(onEvent)
        let folder = settings.outputFolder
        let (lock, journal) = try openJournal()
        if !settings.mergeFrom.isEmpty {
            try journal.adopt(layers, from: settings.mergeFrom, description: description(as:), output: folder)
        }
        var results: [Int: LayerResult] = [:]
        for layer in layers {
            if let result = journal.finished(layer) { results[layer.ordinal] = result }
        }
        let missing = layers.filter { results[$0.ordinal] == nil }
        if !settings.mergeFrom.isEmpty, let example = missing.first {
            throw JobError.shardsIncomplete(missing: missing.count, total: layers.count, example: example.name)
        }
        events.send(.started(layers: layers.count, resumed: results.count, outputFolder: folder))
        let remaining = missing.filter { settings.shard?.contains(ordinal: $0.ordinal) ?? true }
        let compressed = try compressAll(remaining, into: journal, alreadyDone: results.count, events: events)
        results.merge(compressed) { first, _ in first }
        if isCancelled { throw JobError.cancelled(folder: folder, completed: results.count, total: layers.count) }
        if settings.shard != nil {
            // A part keeps its layers in the journal for `merge`; the checkpoint is assembled there.
            let report = makeReport(results: results, written: nil, elapsed: Date().timeIntervalSince(started))
            lock.release(removingFile: true)
            events.send(.finished(report))
            return report
        }

        let assembler = CheckpointAssembler(checkpoint: checkpoint, layers: layers, journal: journal, settings: settings,
                                            isCancelled: { [unowned self] in self.isCancelled })
        let written: CheckpointAssembler.Written
        do {
            written = try assembler.write { name, index, count in events.send(.writingShard(name: name, index: index, count: count)) }
        } catch is CancellationError {
            throw JobError.cancelled(folder: folder, completed: results.count, total: layers.count)
        }
        let report = makeReport(results: results, written: written, elapsed: Date().timeIntervalSince(started))
        try writeWholeFiles(report)
        try journal.remove()
        lock.release(removingFile: true)
        events.send(.finished(report))
        return report
    }

    /// Claims the output folder and opens the journal: the existing one when resuming the same
    /// job, else a new one (after emptying the folder under `force`); stale temporary files go.
    private func openJournal() throws -> (OutputLock, JobJournal) {
        let folder = settings.outputFolder
        let claim = try OutputFolder.claim(settings, for: checkpoint)
        let journal = JobJournal(outputFolder: folder)
        let expected = description(as: settings.shard)
        // A journal of this job written as a part (or as a whole) is continued as this run describes it.
        if claim.hasJournal && !journal.matches(description: description(as: journal.recordedShard)) {
            guard settings.force else { throw JobError.journalMismatch(folder: folder) }
            try OutputFolder.empty(folder)
        }
        if !journal.matches(description: expected) { try journal.create(description: expected) }
        journal.removeLeftovers()
        OutputFolder.removePartialFiles(in: folder)
        return (claim.lock, journal)
    }

    /// The journal description of this job run as the part `shard` (nil: as a whole).
    private func description(as shard: JobShard?) -> [UInt8] {
        var part = settings
        part.shard = shard
        return JobJournal.description(of: checkpoint, layers: layers, settings: part)
    }

    /// Writes the extended `config.json`, the side files and the report.
    private func writeWholeFiles(_ report: JobReport) throws {
        let folder = settings.outputFolder
        if let config = checkpoint.config {
            let extended = ConfigSection.extended(config.raw, layers: layers, settings: settings)
            try OutputFiles.write(JSONWriter.bytes(.object(extended), pretty: true) + [0x0A], to: folder + "/config.json")
        }
        try OutputFiles.copySideFiles(of: checkpoint, into: folder)
        do {
            try OutputFiles.write([UInt8](try report.encoded()), to: folder + "/" + JobReport.fileName)
        } catch let error as EncodingError {
            throw JobError.fileSystem(path: folder + "/" + JobReport.fileName, reason: "cannot encode the report (\(error))")
        }
    }

    /// Compresses `remaining` on worker threads (``LayerWorkers``); returns the results by ordinal,
    /// throwing the first failure after the layers in flight finished.
    private func compressAll(_ remaining: [JobLayer], into journal: JobJournal, alreadyDone: Int,
                             events: JobEventSink) throws -> [Int: LayerResult] {
        let dataAware = settings.statistics != nil
        return try LayerWorkers.run(remaining, workers: settings.jobs, memoryLimit: settings.memoryLimit, alreadyDone: alreadyDone,
                                    need: { dataAware ? CompressionJob.dataAwareMemoryNeeded(rows: $0.rows, columns: $0.columns)
                                                      : CompressionJob.memoryNeeded(rows: $0.rows, columns: $0.columns) },
                                    isCancelled: { [unowned self] in self.isCancelled },
                                    work: { [self] layer in
                                        events.send(.layerStarted(name: layer.name, ordinal: layer.ordinal))
                                        return try compress(layer, into: journal)
                                    },
                                    finished: { [self] _, result, completed in
                                        events.send(.layerFinished(result, completed: completed, total: layers.count))
                                    })
    }

    /// Reads, compresses and records one layer.
    private func compress(_ layer: JobLayer, into journal: JobJournal) throws -> LayerResult {
        let clock = Date()
        let (compressed, outputError) = try layer.compress(from: checkpoint, settings: settings.layerSettings,
                                                           isCancelled: { [unowned self] in self.isCancelled })
        return try journal.record(layer, compressed, outputError: outputError, seconds: Date().timeIntervalSince(clock))
    }

    /// The report of the layers in `results`; `written` is nil for a `--shard` part, which writes
    /// no checkpoint (no shards, model bytes after 0).
    private func makeReport(results: [Int: LayerResult], written: CheckpointAssembler.Written?, elapsed: Double) -> JobReport {
        let rows = layers.compactMap { layer in results[layer.ordinal].map { JobReport.Layer(layer, $0, settings: settings.layerSettings) } }
        let totals = JobReport.Totals(
            layers: rows.count, bytesBefore: rows.reduce(0) { $0 + $1.bytesBefore },
            estimatedBytes: rows.reduce(0) { $0 + $1.estimatedBytes }, bytesWritten: rows.reduce(0) { $0 + $1.bytesWritten },
            seconds: rows.reduce(0) { $0 + $1.seconds }, modelBytesBefore: checkpoint.totalBytes,
            modelBytesAfter: written?.totalSize ?? 0, elapsedSeconds: elapsed)
        return JobReport(format: "rankscope-report", version: 1, input: checkpoint.path, plan: settings.planLabel,
                         statistics: settings.statistics?.path, output: settings.outputFolder, dense: settings.materializeDense, shards: written?.shards ?? [],
                         layers: rows, totals: totals)
    }
}
