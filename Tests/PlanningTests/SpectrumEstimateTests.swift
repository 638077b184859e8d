import Foundation
import LinearAlgebra
import Planning
import SafeTensors
import XCTest

/// Partial spectra: the rule for k, the completion's bounds against the exact spectrum, and the
/// engine's estimates (first, never cached, replaced by the exact spectrum).
final class SpectrumEstimateTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = try Fixtures.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Gaussian entries with column j scaled by (j + 1)^-0.6: a slowly decaying, heavy-tailed spectrum.
    private static func heavyTailed(rows: Int, columns: Int, seed: UInt64) -> [Double] {
        let values = Fixtures.gaussian(rows: rows, columns: columns, seed: seed)
        return values.enumerated().map { index, value in value * pow(Double(index % columns + 1), -0.6) }
    }

    func testTheRuleForKIsAFractionWithAFloorAndOnlyWhereItPays() {
        XCTAssertEqual(SpectrumEstimate.leadingCount(rows: 4096, columns: 4096), 128)
        XCTAssertEqual(SpectrumEstimate.leadingCount(rows: 6144, columns: 24576), 192)
        XCTAssertEqual(SpectrumEstimate.leadingCount(rows: 1024, columns: 2752), 64)
        XCTAssertEqual(SpectrumEstimate.leadingCount(rows: 40, columns: 300), 40)
        let gram = GramSpectrumMethod()
        XCTAssertEqual(gram.estimateLeading(rows: 4096, columns: 11008), 128)
        XCTAssertEqual(gram.estimateLeading(rows: 1024, columns: 1024), 64)
        XCTAssertNil(gram.estimateLeading(rows: 512, columns: 512), "exact is about as quick")
        XCTAssertNil(gram.estimateLeading(rows: 40, columns: 300), "k covers the whole spectrum")
        XCTAssertLessThanOrEqual(SpectrumEstimate.estimateFlops(rows: 4096, columns: 4096, leading: 128),
                                 0.25 * gram.flops(rows: 4096, columns: 4096))
    }

    func testEveryFigureOfAnEstimateIsAnUpperBoundOnTheExactOne() throws {
        for (rows, columns) in [(240, 400), (400, 240)] {
            let elements = Self.heavyTailed(rows: rows, columns: columns, seed: 7)
            let matrix = try Matrix(rows: rows, columns: columns, elements: elements)
            let exactValues = try LAPACK.singularValueDecomposition(matrix, vectors: false).s
            let exact = Spectrum(tensorName: "w", rows: rows, columns: columns, singularValues: exactValues)
            let estimate = Spectrum(tensorName: "w", rows: rows, columns: columns,
                                    estimate: try RandomizedSingularValues(of: matrix, count: 48))
            XCTAssertEqual(estimate.exactness, .estimate(leading: 48))
            XCTAssertTrue(estimate.isEstimate)
            XCTAssertFalse(exact.isEstimate)
            XCTAssertEqual(estimate.singularValues.count, exactValues.count)
            XCTAssertEqual(estimate.summary.frobeniusNorm, exact.summary.frobeniusNorm, accuracy: 1e-10 * exact.summary.frobeniusNorm)
            for rank in 0...exactValues.count {
                XCTAssertGreaterThanOrEqual(estimate.truncationError(rank: rank), exact.truncationError(rank: rank) - 1e-12, "rank \(rank)")
            }
            // Close where the estimate is good (within 2.5% up to k), loose beyond it.
            XCTAssertLessThanOrEqual(estimate.truncationError(rank: 48), 1.025 * exact.truncationError(rank: 48))
            for fraction in [0.5, 0.9, 0.99, 0.999] {
                XCTAssertGreaterThanOrEqual(estimate.rank(keepingEnergy: fraction), exact.rank(keepingEnergy: fraction))
            }
            XCTAssertGreaterThanOrEqual(estimate.summary.energyRank99, exact.summary.energyRank99)
        }
        // A completion never exceeds the count, and a full estimate is not padded.
        XCTAssertEqual(SpectrumEstimate.completedValues(leading: [3, 2], frobeniusNormSquared: 13 + 8, fullCount: 4), [3, 2, 2, 2])
        XCTAssertEqual(SpectrumEstimate.completedValues(leading: [3, 2], frobeniusNormSquared: 13, fullCount: 2), [3, 2])
    }

    /// A checkpoint of two 1024×1024 heavy-tailed matrices (estimated) and a small one (exact only).
    private func writeCheckpoint() throws -> LayerCatalog {
        try Fixtures.writeF32([
            ("model.layers.0.self_attn.q_proj.weight", [1024, 1024], Self.heavyTailed(rows: 1024, columns: 1024, seed: 1)),
            ("model.layers.0.self_attn.k_proj.weight", [1024, 1024], Self.heavyTailed(rows: 1024, columns: 1024, seed: 2)),
            ("model.layers.0.mlp.up_proj.weight", [24, 40], Self.heavyTailed(rows: 24, columns: 40, seed: 3)),
        ], to: directory + "/model.safetensors")
        return LayerCatalog(checkpoint: try Checkpoint(path: directory))
    }

    func testEstimatesComeFirstAreReplacedByExactSpectraAndAreNeverCached() throws {
        let catalog = try writeCheckpoint()
        let entries = catalog.compressibleEntries
        let names = entries.map(\.info.name)
        XCTAssertEqual(names.count, 3)
        let big = entries.filter { $0.info.shape == [1024, 1024] }.map(\.info.name)
        XCTAssertEqual(big.count, 2)
        let cache = SpectrumCache(directory: directory + "/cache")
        let engine = SpectrumEngine(checkpoint: catalog.checkpoint, cache: cache, workers: 1)
        let log = EventLog()
        let done = DispatchSemaphore(value: 0)
        engine.start(entries.map { SpectrumRequest($0, kind: .weights, stages: .estimateThenExact) }, onEvent: { event, _, progress in
            log.append(event, progress)
        }, onCompletion: { _ in done.signal() })
        XCTAssertEqual(done.wait(timeout: .now() + 300), .success)
        let events = log.events
        // One worker: the two estimates, then every exact spectrum in the order asked (the small
        // matrix has no estimate: its exact spectrum is as quick).
        XCTAssertEqual(events.map(\.text), big.map { "≈ \($0)" } + names.map { "= \($0)" })
        // Progress counts exact spectra; estimates apart.
        XCTAssertEqual(events.map(\.completed), [0, 0, 1, 2, 3])
        XCTAssertEqual(events.last?.estimated, 2)
        // Each estimate bounds its exact spectrum's errors from above.
        for index in 0..<2 {
            let estimate = events[index].spectrum!, exact = events.first { $0.text == "= " + big[index] }!.spectrum!
            XCTAssertTrue(estimate.isEstimate)
            XCTAssertFalse(exact.isEstimate)
            for rank in stride(from: 0, through: 1024, by: 16) {
                XCTAssertGreaterThanOrEqual(estimate.truncationError(rank: rank), exact.truncationError(rank: rank) - 1e-12)
            }
        }

        // Estimates alone are never cached: a later exact run computes the big matrices again
        // and finds only the small one, computed exactly by the estimate-only run.
        let cacheOnly = SpectrumCache(directory: directory + "/cache2")
        let estimateOnly = SpectrumEngine(checkpoint: catalog.checkpoint, cache: cacheOnly, workers: 1)
            .run(entries, stages: .estimateOnly)
        XCTAssertEqual(estimateOnly.map(EventLog.text), names.map { (big.contains($0) ? "≈ " : "= ") + $0 })
        let exactRun = SpectrumEngine(checkpoint: catalog.checkpoint, cache: SpectrumCache(directory: directory + "/cache2"), workers: 1)
            .run(entries)
        XCTAssertEqual(exactRun.map(EventLog.cached), names.map { !big.contains($0) })
        // Once exact spectra are cached, an estimate-only run serves them, exact.
        let again = SpectrumEngine(checkpoint: catalog.checkpoint, cache: SpectrumCache(directory: directory + "/cache2"), workers: 1)
            .run(entries, stages: .estimateOnly)
        XCTAssertEqual(again.map(EventLog.text), names.map { "= \($0)" })
        XCTAssertEqual(again.map(EventLog.cached), [true, true, true])
    }
}

/// Events as a worker thread delivers them.
private final class EventLog: @unchecked Sendable {
    struct Entry {
        let text: String
        let spectrum: Spectrum?
        let completed: Int
        let estimated: Int
    }

    private let lock = NSLock()
    private var entries: [Entry] = []

    func append(_ event: SpectrumEngine.Event, _ progress: SpectrumEngine.Progress) {
        lock.lock()
        entries.append(Entry(text: Self.text(event), spectrum: Self.spectrum(event), completed: progress.completed, estimated: progress.estimated))
        lock.unlock()
    }

    var events: [Entry] {
        lock.lock()
        defer { lock.unlock() }
        return entries
    }

    /// `≈ name` for an estimate, `= name` for an exact spectrum, `! name` for a failure.
    static func text(_ event: SpectrumEngine.Event) -> String {
        switch event {
        case .estimated(let spectrum): return "≈ " + spectrum.tensorName
        case .finished(let spectrum, _): return "= " + spectrum.tensorName
        case .failed(let error): return "! " + error.tensorName
        }
    }

    static func spectrum(_ event: SpectrumEngine.Event) -> Spectrum? {
        switch event {
        case .estimated(let spectrum), .finished(let spectrum, _): return spectrum
        case .failed: return nil
        }
    }

    static func cached(_ event: SpectrumEngine.Event) -> Bool {
        if case .finished(_, true) = event { return true }
        return false
    }
}
