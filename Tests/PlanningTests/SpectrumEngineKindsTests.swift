import Foundation
import LinearAlgebra
@testable import Planning
import SafeTensors
import XCTest

/// The one engine at its seam: both kinds in one run and one queue, the priority that moves a
/// matrix to the front, cache hits per kind, and a cancelled run of both kinds.
final class SpectrumEngineKindsTests: XCTestCase {
    private var directory = ""
    private let columns = 6

    override func setUpWithError() throws {
        directory = try Fixtures.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func name(_ block: Int) -> String { "model.layers.\(block).mlp.up_proj.weight" }

    /// `count` 10×6 matrices and diagonal statistics (mean squares spanning three decades,
    /// scaled by `scale`) for each.
    private func writeModel(count: Int = 4, rows: Int = 10, scale: Double = 1) throws -> (LayerCatalog, ActivationStatistics) {
        try Fixtures.writeF32((0..<count).map { block in
            (name(block), [rows, columns], Fixtures.gaussian(rows: rows, columns: columns, seed: UInt64(block + 1)))
        }, to: directory + "/model.safetensors")
        return (LayerCatalog(checkpoint: try Checkpoint(path: directory + "/model.safetensors")),
                try writeStatistics(count: count, scale: scale))
    }

    /// Diagonal statistics for the first `count` blocks, mean squares scaled by `scale`.
    private func writeStatistics(count: Int, scale: Double) throws -> ActivationStatistics {
        let path = directory + "/stats-\(scale).safetensors"
        try ActivationStatisticsWriter.write(path: path, layers: (0..<count).map { block in
            LayerInputStatistics(module: "model.layers.\(block).mlp.up_proj", secondMoment: nil,
                                 meanSquare: meanSquare(scale: scale), tokens: 8)
        })
        return try ActivationStatistics(path: path)
    }

    private func meanSquare(scale: Double) -> [Double] {
        (0..<columns).map { scale * pow(10, -1 + 3 * Double($0) / Double(columns - 1)) }
    }

    private func requests(_ entries: [CatalogEntry]) -> [SpectrumRequest] {
        [SpectrumKind.weights, .dataAware].flatMap { kind in entries.map { SpectrumRequest($0, kind: kind) } }
    }

    private static func spectrum(_ event: SpectrumEngine.Event) throws -> (Spectrum, Bool) {
        guard case .finished(let spectrum, let fromCache) = event else { throw SpectrumTestFailure(event: event) }
        return (spectrum, fromCache)
    }

    func testOneRunComputesBothKindsLikeSingleKindRunsAndTheDataAwareEnergyIsTheWeightedOne() throws {
        let (catalog, statistics) = try writeModel()
        let entries = catalog.compressibleEntries
        let engine = SpectrumEngine(checkpoint: catalog.checkpoint, cache: nil, statistics: statistics, workers: 2)
        let both = engine.run(requests(entries))
        XCTAssertEqual(both.count, 2 * entries.count)
        let weights = SpectrumEngine(checkpoint: catalog.checkpoint, cache: nil).run(entries)
        let dataAware = SpectrumEngine(checkpoint: catalog.checkpoint, cache: nil, statistics: statistics).run(entries, kind: .dataAware)
        for (event, alone) in zip(both, weights + dataAware) {
            let (spectrum, _) = try Self.spectrum(event), (expected, _) = try Self.spectrum(alone)
            XCTAssertEqual(spectrum.tensorName, expected.tensorName)
            XCTAssertEqual(spectrum.singularValues, expected.singularValues, spectrum.tensorName)
        }
        // ‖W·S‖_F² = Σⱼ mean_squareⱼ·‖column j‖², and ‖W‖_F² = Σ w²: the two kinds differ as they must.
        let scales = meanSquare(scale: 1)
        for (index, entry) in entries.enumerated() {
            let weight = Fixtures.gaussian(rows: 10, columns: columns, seed: UInt64(index + 1)).map { Double(Float($0)) }
            var plain = 0.0, weighted = 0.0
            for (i, w) in weight.enumerated() { plain += w * w; weighted += scales[i % columns] * w * w }
            let (w, _) = try Self.spectrum(both[index]), (d, _) = try Self.spectrum(both[entries.count + index])
            XCTAssertEqual(w.singularValues.map { $0 * $0 }.reduce(0, +), plain, accuracy: 1e-9 * plain, entry.info.name)
            XCTAssertEqual(d.singularValues.map { $0 * $0 }.reduce(0, +), weighted, accuracy: 1e-9 * weighted, entry.info.name)
            XCTAssertNotNil(engine.whitening(of: entry.info.name))
        }
    }

    func testEventsCarryTheirKindAndThatKindsProgress() throws {
        let (catalog, statistics) = try writeModel()
        let engine = SpectrumEngine(checkpoint: catalog.checkpoint, cache: nil, statistics: statistics, workers: 2)
        let log = EventLog()
        let done = expectation(description: "completion")
        engine.start(requests(catalog.compressibleEntries), onEvent: { event, kind, progress in
            log.append(event, kind, progress)
        }, onCompletion: { progress in
            XCTAssertEqual(progress.total, 8)
            XCTAssertEqual(progress.completed, 8)
            done.fulfill()
        })
        wait(for: [done], timeout: 60)
        for kind in [SpectrumKind.weights, .dataAware] {
            let seen = log.entries.filter { $0.kind == kind }
            XCTAssertEqual(seen.count, 4)
            XCTAssertEqual(seen.map(\.progress.completed).sorted(), [1, 2, 3, 4], "\(kind)")
            XCTAssertTrue(seen.allSatisfy { $0.progress.total == 4 }, "\(kind)")
        }
    }

    func testPrioritizedMatrixIsComputedNextAndOfItsKindOnly() throws {
        let (catalog, statistics) = try writeModel(count: 6)
        let entries = catalog.compressibleEntries
        // One worker: the first event is delivered before the worker takes its next request, so
        // moving a request to the front there decides what comes second.
        let engine = SpectrumEngine(checkpoint: catalog.checkpoint, cache: nil, statistics: statistics, workers: 1)
        let log = EventLog()
        let done = expectation(description: "completion")
        engine.start(requests(entries), onEvent: { event, kind, progress in
            if log.append(event, kind, progress) == 1 {
                XCTAssertEqual(engine.prioritize(self.name(4), kind: .dataAware), 1)
                XCTAssertEqual(engine.prioritize(self.name(0), kind: .weights), 0, "already done")
                XCTAssertEqual(engine.prioritize("no such matrix"), 0)
            }
        }, onCompletion: { _ in done.fulfill() })
        wait(for: [done], timeout: 60)
        let order = log.entries.map { "\($0.kind) \(try! Self.spectrum($0.event).0.tensorName)" }
        XCTAssertEqual(Array(order.prefix(3)), ["weights \(name(0))", "dataAware \(name(4))", "weights \(name(1))"], "\(order)")
        XCTAssertEqual(order.count, 12)
        XCTAssertEqual(Set(order).count, 12, "each request exactly once")

        // Without a kind, both kinds of the matrix move, in the order they were asked for.
        let queue = SpectrumQueue()
        queue.enqueue((0..<6).map { SpectrumWork(request: $0, isEstimate: false) })
        XCTAssertEqual(queue.next()?.request, 0)
        XCTAssertEqual(queue.prioritize { $0.request % 3 == 2 }, 2)
        XCTAssertEqual((0..<5).compactMap { _ in queue.next()?.request }, [2, 5, 1, 3, 4])
        XCTAssertNil(queue.next())
    }

    func testCacheHitsPerKindAndAnotherStatisticsFileMissesOnlyTheDataAwareOnes() throws {
        let (catalog, statistics) = try writeModel()
        let cache = { SpectrumCache(directory: self.directory + "/cache") }
        func run(_ statistics: ActivationStatistics) throws -> (events: [(Spectrum, Bool)], progress: [SpectrumKind: SpectrumEngine.Progress]) {
            let engine = SpectrumEngine(checkpoint: catalog.checkpoint, cache: cache(), statistics: statistics)
            let log = EventLog()
            let done = DispatchSemaphore(value: 0)
            engine.start(requests(catalog.compressibleEntries), onEvent: { log.append($0, $1, $2) }, onCompletion: { _ in done.signal() })
            done.wait()
            XCTAssertNil(engine.cacheWriteError)
            var last: [SpectrumKind: SpectrumEngine.Progress] = [:]
            for entry in log.entries where entry.progress.completed == entry.progress.total { last[entry.kind] = entry.progress }
            let events = try engine.run(requests(catalog.compressibleEntries)).map(Self.spectrum)
            return (events, last)
        }
        let first = try run(statistics)
        XCTAssertEqual(first.progress[.weights]?.fromCache, 0)
        XCTAssertEqual(first.progress[.dataAware]?.fromCache, 0)
        XCTAssertGreaterThan(first.progress[.dataAware]?.flops ?? 0, 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory + "/cache").sorted()
        XCTAssertEqual(files.count, 2, "\(files)")
        XCTAssertTrue(files[0].hasPrefix("spectra-") && !files[0].hasPrefix("spectra-whitened-"), "\(files)")
        XCTAssertTrue(files[1].hasPrefix("spectra-whitened-"), "\(files)")

        let second = try run(statistics)
        XCTAssertEqual(second.progress[.weights]?.fromCache, 4)
        XCTAssertEqual(second.progress[.dataAware]?.fromCache, 4)
        XCTAssertEqual(second.progress[.dataAware]?.flops, 0)
        for (a, b) in zip(first.events, second.events) { XCTAssertEqual(a.0.singularValues, b.0.singularValues) }

        let louder = try writeStatistics(count: 4, scale: 100)
        let third = try run(louder)
        XCTAssertEqual(third.progress[.weights]?.fromCache, 4)
        XCTAssertEqual(third.progress[.dataAware]?.fromCache, 0, "another statistics file's spectra never serve")
        let fourth = try run(louder)
        XCTAssertEqual(fourth.progress[.weights]?.fromCache, 4)
        XCTAssertEqual(fourth.progress[.dataAware]?.fromCache, 4)
        // Scaling every mean square by 100 scales W·S by 10: the other file's spectra.
        for (a, b) in zip(second.events.suffix(4), fourth.events.suffix(4)) {
            for (x, y) in zip(a.0.singularValues, b.0.singularValues) { XCTAssertEqual(y, 10 * x, accuracy: 1e-9 * y) }
        }
    }

    func testADataAwareRequestWithoutStatisticsFailsWithASentence() throws {
        let (catalog, _) = try writeModel(count: 1)
        let events = SpectrumEngine(checkpoint: catalog.checkpoint, cache: nil).run(requests(catalog.compressibleEntries))
        XCTAssertEqual(events.count, 2)
        XCTAssertNoThrow(try Self.spectrum(events[0]))
        guard case .failed(let error) = events[1] else { return XCTFail("\(events[1])") }
        XCTAssertEqual(error.description, "\(name(0)): has no data-aware spectrum here: computing one needs activation statistics.")
    }

    func testCancellingARunOfBothKindsEndsItAndNothingFollowsTheCompletion() throws {
        let (catalog, statistics) = try writeModel(count: 30, rows: 200)
        let cacheDirectory = directory + "/cache"
        let engine = SpectrumEngine(checkpoint: catalog.checkpoint, cache: SpectrumCache(directory: cacheDirectory),
                                    statistics: statistics, workers: 2)
        let log = EventLog()
        let done = expectation(description: "completion")
        let completions = EventLog()
        engine.start(requests(catalog.compressibleEntries), onEvent: { event, kind, progress in
            if log.append(event, kind, progress) == 3 { engine.cancel() }
        }, onCompletion: { progress in
            completions.append(.failed(SpectrumError(tensorName: "", problem: "")), .weights, progress)
            done.fulfill()
        })
        wait(for: [done], timeout: 60)
        let delivered = log.entries.count
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertEqual(log.entries.count, delivered, "no event after the completion")
        XCTAssertEqual(completions.entries.count, 1)
        XCTAssertLessThan(delivered, 60)
        XCTAssertLessThanOrEqual(delivered, 3 + 2, "at most the workers' matrices in flight finish after cancel")
        XCTAssertEqual(completions.entries[0].progress.completed, delivered)

        // What was reported is cached, and nothing else.
        let reread = SpectrumCache(directory: cacheDirectory)
        let file = catalog.checkpoint.files[0]
        let cached = catalog.compressibleEntries.filter { reread.singularValues(of: $0.info.name, in: file) != nil }
        let reported = Set(log.entries.filter { $0.kind == .weights }.map { try! Self.spectrum($0.event).0.tensorName })
        XCTAssertEqual(Set(cached.map(\.info.name)), reported)
    }
}

private struct SpectrumTestFailure: Error {
    let event: SpectrumEngine.Event
}

/// Events as delivered from worker threads, in order.
private final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [(event: SpectrumEngine.Event, kind: SpectrumKind, progress: SpectrumEngine.Progress)] = []

    /// Appends and returns how many there are now.
    @discardableResult
    func append(_ event: SpectrumEngine.Event, _ kind: SpectrumKind, _ progress: SpectrumEngine.Progress) -> Int {
        lock.lock()
        defer { lock.unlock() }
        storage.append((event, kind, progress))
        return storage.count
    }

    var entries: [(event: SpectrumEngine.Event, kind: SpectrumKind, progress: SpectrumEngine.Progress)] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}
