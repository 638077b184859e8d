import Foundation
import LinearAlgebra
@testable import Planning
import SafeTensors
import XCTest

/// The engine's data-aware spectra: its worker pool (same spectra as one worker, events in input
/// order), the whitening summaries, the method's row-panel whitening, and a cancellation that
/// returns long before the matrix in flight would have finished.
final class SpectrumEngineDataAwareTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = try Fixtures.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The averaged second moment of `tokens` seeded Gaussian inputs of `width` channels whose
    /// channel scales span four decades; `silent` channels are zero (a singular moment).
    private func secondMoment(width: Int, tokens: Int, seed: UInt64, silent: Set<Int> = []) throws -> Matrix {
        var x = Matrix(rows: width, columns: tokens)
        var generator = SeededGenerator(seed: seed)
        for i in 0..<width where !silent.contains(i) {
            let scale = pow(10, -2 + 4 * Double(i) / Double(max(width - 1, 1)))
            for t in 0..<tokens { x[i, t] = scale * generator.nextGaussian() }
        }
        let moment = try x.multiplied(byTransposeOf: x)
        return try Matrix(rows: width, columns: width, elements: moment.elements.map { $0 / Double(tokens) })
    }

    /// Module names and shapes of the checkpoint `writeModel` writes: tall, wide and square.
    private let shapes: [(String, Int, Int)] = [
        ("model.layers.0.mlp.up_proj", 40, 24), ("model.layers.0.mlp.down_proj", 24, 40),
        ("model.layers.0.self_attn.q_proj", 24, 24), ("model.layers.1.mlp.up_proj", 40, 24),
        ("model.layers.1.mlp.down_proj", 24, 40), ("model.layers.1.self_attn.q_proj", 24, 24),
    ]

    /// Writes the checkpoint and statistics: even modules get full second moments, odd ones
    /// diagonals only; layer 0's q_proj (full) and layer 1's up_proj (diagonal) have a silent
    /// channel, so both need a shift.
    private func writeModel() throws -> (LayerCatalog, ActivationStatistics) {
        try Fixtures.writeF32(shapes.enumerated().map { index, shape in
            (shape.0 + ".weight", [shape.1, shape.2], Fixtures.gaussian(rows: shape.1, columns: shape.2, seed: UInt64(index + 1)))
        }, to: directory + "/model.safetensors")
        let layers = try shapes.enumerated().map { index, shape -> LayerInputStatistics in
            let moment = try secondMoment(width: shape.2, tokens: 64, seed: UInt64(100 + index),
                                          silent: Self.shifted.contains(shape.0) ? [3] : [])
            return index % 2 == 0
                ? LayerInputStatistics(module: shape.0, secondMoment: moment, meanSquare: nil, tokens: 64)
                : LayerInputStatistics(module: shape.0, secondMoment: nil, meanSquare: (0..<shape.2).map { moment[$0, $0] }, tokens: 64)
        }
        try ActivationStatisticsWriter.write(path: directory + "/stats.safetensors", layers: layers)
        return (LayerCatalog(checkpoint: try Checkpoint(path: directory + "/model.safetensors")),
                try ActivationStatistics(path: directory + "/stats.safetensors"))
    }

    /// The modules whose statistics have a silent channel.
    private static let shifted: Set<String> = ["model.layers.0.self_attn.q_proj", "model.layers.1.mlp.up_proj"]

    private static func name(_ event: SpectrumEngine.Event) -> String {
        switch event {
        case .finished(let spectrum, _), .estimated(let spectrum): return spectrum.tensorName
        case .failed(let error): return error.tensorName
        }
    }

    private static func values(_ event: SpectrumEngine.Event) throws -> [Double] {
        guard case .finished(let spectrum, _) = event else { throw XCTSkip("no spectrum: \(event)") }
        return spectrum.singularValues
    }

    func testWorkersGiveTheSerialSpectraInInputOrder() throws {
        let (catalog, statistics) = try writeModel()
        // Reverse model order, so the input order is not something the workers could fall into.
        let entries = Array(catalog.compressibleEntries.reversed())
        XCTAssertEqual(entries.count, shapes.count)
        let serialEngine = SpectrumEngine(checkpoint: catalog.checkpoint, cache: nil, statistics: statistics, workers: 1)
        let serial = serialEngine.run(entries, kind: .dataAware)
        let engine = SpectrumEngine(checkpoint: catalog.checkpoint, cache: nil, statistics: statistics, workers: 3)
        var delivered: [String] = [], completed: [Int] = []
        let concurrent = engine.run(entries, kind: .dataAware, onProgress: { completed.append($0.completed) }, onEvent: { delivered.append(Self.name($0)) })

        let names = entries.map(\.info.name)
        XCTAssertEqual(serial.map(Self.name), names)
        XCTAssertEqual(concurrent.map(Self.name), names)
        XCTAssertEqual(delivered, names)
        XCTAssertEqual(completed, Array(1...names.count))
        for (one, many) in zip(serial, concurrent) {
            let a = try Self.values(one), b = try Self.values(many)
            XCTAssertEqual(a.count, b.count)
            for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-12 * a[0], Self.name(one)) }
        }

        for entry in entries {
            let name = entry.info.name, module = ActivationStatistics.module(ofWeight: name)
            let summary = try XCTUnwrap(engine.whitening(of: name), name)
            XCTAssertEqual(summary, serialEngine.whitening(of: name), name)
            let layer = try statistics.statistics(forWeight: name)
            XCTAssertEqual(summary.kind, layer.secondMoment != nil ? .cholesky : .diagonal, name)
            if Self.shifted.contains(module) {
                // λ = 1e-6·trace/n (doubled while the Cholesky factorisation fails): a power-of-two
                // multiple of the base.
                let diagonal = layer.meanSquare ?? (0..<layer.columns).map { layer.secondMoment![$0, $0] }
                let base = 1e-6 * diagonal.reduce(0, +) / Double(diagonal.count)
                let ratio = summary.shift / base
                XCTAssertGreaterThanOrEqual(ratio, 1 - 1e-12, name)
                XCTAssertEqual(log2(ratio), log2(ratio).rounded(), accuracy: 1e-9, name)
            } else {
                XCTAssertEqual(summary.shift, 0, name)
            }
        }
    }

    func testWhiteningsComeBackWithCachedSpectra() throws {
        let (catalog, statistics) = try writeModel()
        let cache = { SpectrumCache(directory: self.directory + "/cache") }
        let first = SpectrumEngine(checkpoint: catalog.checkpoint, cache: cache(), statistics: statistics, workers: 2)
        let computed = first.run(catalog.compressibleEntries, kind: .dataAware)
        let second = SpectrumEngine(checkpoint: catalog.checkpoint, cache: cache(), statistics: statistics)
        let cached = second.run(catalog.compressibleEntries, kind: .dataAware)
        XCTAssertEqual(cached.count, computed.count)
        for (event, again) in zip(computed, cached) {
            guard case .finished(let spectrum, false) = event, case .finished(let cachedSpectrum, true) = again else {
                return XCTFail("expected computed then cached: \(event) / \(again)")
            }
            XCTAssertEqual(cachedSpectrum.singularValues, spectrum.singularValues)
            XCTAssertEqual(second.whitening(of: spectrum.tensorName), first.whitening(of: spectrum.tensorName))
            XCTAssertNotNil(second.whitening(of: spectrum.tensorName))
        }
    }

    func testRowPanelsWhitenLikeTheWholeMatrixAndPlaceNaNs() throws {
        let rows = 11, columns = 7
        var weight = Fixtures.gaussian(rows: rows, columns: columns, seed: 5)
        let whitening = Whitening.cholesky(try RegularisedCholesky(try secondMoment(width: columns, tokens: 30, seed: 6)))
        let whole = try whitening.whiten(try Matrix(rows: rows, columns: columns, elements: weight))
        let panels = try weight.withUnsafeBytes { bytes in
            try WhitenedSpectrumMethod.whitenedElements(
                of: MatrixSource(base: bytes.baseAddress!, rows: rows, columns: columns, format: .f64),
                by: whitening, rowsPerPanel: 3, isCancelled: { false })
        }
        let norm = whole.frobeniusNorm
        XCTAssertEqual(panels.count, rows * columns)
        for (x, y) in zip(panels, whole.elements) { XCTAssertEqual(x, y, accuracy: 1e-14 * norm) }

        weight[8 * columns + 2] = .nan
        XCTAssertThrowsError(try weight.withUnsafeBytes { bytes in
            try WhitenedSpectrumMethod.whitenedElements(
                of: MatrixSource(base: bytes.baseAddress!, rows: rows, columns: columns, format: .f64),
                by: whitening, rowsPerPanel: 3, isCancelled: { false })
        }) { XCTAssertEqual($0 as? LinearAlgebraError, .nonFinite(row: 8, column: 2)) }
    }

    func testCancelInsideALargeMatrixSkipsTheRestOfIt() throws {
        // One matrix large enough that dpotrf, the whitening and dgesdd take a while, measured
        // against itself: the same run uncancelled, then cancelled a tenth of the way in. The
        // cancelled run ends once the call in flight then returns (the engine waits for its
        // worker) and skips the rest: the SVD, about half the time.
        let rows = 500, columns = 1200, module = "model.layers.0.mlp.down_proj"
        try Fixtures.writeF32([(module + ".weight", [rows, columns], Fixtures.gaussian(rows: rows, columns: columns, seed: 3))],
                              to: directory + "/model.safetensors")
        try ActivationStatisticsWriter.write(path: directory + "/stats.safetensors", layers: [
            LayerInputStatistics(module: module, secondMoment: try secondMoment(width: columns, tokens: 1500, seed: 4), meanSquare: nil, tokens: 1500),
        ])
        let catalog = LayerCatalog(checkpoint: try Checkpoint(path: directory + "/model.safetensors"))
        let statistics = try ActivationStatistics(path: directory + "/stats.safetensors")
        let entries = catalog.compressibleEntries

        var started = Date()
        let full = SpectrumEngine(checkpoint: catalog.checkpoint, cache: nil, statistics: statistics).run(entries, kind: .dataAware)
        let fullTime = Date().timeIntervalSince(started)
        XCTAssertEqual(full.count, 1)

        let cacheDirectory = directory + "/cache"
        let engine = SpectrumEngine(checkpoint: catalog.checkpoint, cache: SpectrumCache(directory: cacheDirectory), statistics: statistics)
        started = Date()
        DispatchQueue.global().asyncAfter(deadline: .now() + fullTime / 10) { engine.cancel() }
        let cancelled = engine.run(entries, kind: .dataAware)
        let cancelledTime = Date().timeIntervalSince(started)
        XCTAssertTrue(engine.isCancelled)
        XCTAssertTrue(cancelled.isEmpty, "a matrix cancelled in flight is not delivered")
        XCTAssertLessThan(cancelledTime, fullTime * 0.8, "cancelled after \(cancelledTime) s of a \(fullTime) s matrix")
        XCTAssertEqual(engine.workersInFlight, 0, "the run ended with its worker still in a call")

        // Nothing half-done reaches the cache.
        _ = engine.run([])  // flushes whatever the cache holds
        let reread = SpectrumCache(directory: cacheDirectory)
        XCTAssertNil(reread.singularValues(of: module + ".weight", in: catalog.checkpoint.files[0],
                                           method: WhitenedSpectrumMethod(statistics: statistics).cacheTag))
    }
}
