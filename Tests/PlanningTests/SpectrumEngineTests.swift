import Foundation
import LinearAlgebra
import Planning
import SafeTensors
import XCTest

final class SpectrumEngineTests: XCTestCase {
    private var directory = ""
    private var cacheDirectory = ""

    override func setUpWithError() throws {
        directory = try Fixtures.temporaryDirectory()
        cacheDirectory = directory + "/cache"
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Writes a checkpoint of matrices with exactly known singular values (U·diag(σ)·Vᵀ in F64).
    private func writeDesignedCheckpoint(scale: Double = 1) throws -> [String: [Double]] {
        var designed: [String: [Double]] = [:]
        var tensors: [(TensorSpec, [UInt8])] = []
        for (block, (rows, columns)) in [(12, 20), (20, 12), (16, 16), (1, 9)].enumerated() {
            let rank = min(rows, columns)
            let sigma = (0..<rank).map { scale * pow(0.7, Double($0)) * Double(block + 1) }
            var generator = SeededGenerator(seed: UInt64(block))
            func basis(_ size: Int) throws -> Matrix {
                    try LAPACK.orthonormalBasis(of: Matrix.gaussian(rows: size, columns: rank, using: &generator))
            }
            var left = try basis(rows)
            let right = try basis(columns)
            for row in 0..<rows { for k in 0..<rank { left[row, k] *= sigma[k] } }
            let product = try left.multiplied(by: right.transposed())
            let name = "model.layers.\(block).mlp.up_proj.weight"
            designed[name] = sigma
            tensors.append((TensorSpec(name: name, dtype: .F64, shape: [rows, columns]), product.elements.withUnsafeBytes { Array($0) }))
        }
        try SafeTensorsWriter.write(path: directory + "/model.safetensors", tensors: tensors, metadata: nil)
        return designed
    }

    private func spectra(cache: SpectrumCache?, workers: Int? = nil) throws -> [String: (values: [Double], cached: Bool)] {
        let catalog = LayerCatalog(checkpoint: try Checkpoint(path: directory))
        let engine = SpectrumEngine(checkpoint: catalog.checkpoint, cache: cache, workers: workers)
        var result: [String: (values: [Double], cached: Bool)] = [:]
        for event in engine.run(catalog.compressibleEntries) {
            guard case .finished(let spectrum, let fromCache) = event else { XCTFail("unexpected \(event)"); continue }
            result[spectrum.tensorName] = (spectrum.singularValues, fromCache)
        }
        return result
    }

    func testComputesDesignedSpectraOnSeveralWorkers() throws {
        let designed = try writeDesignedCheckpoint()
        let computed = try spectra(cache: nil, workers: 3)
        XCTAssertEqual(Set(computed.keys), Set(designed.keys))
        for (name, sigma) in designed {
            let values = try XCTUnwrap(computed[name]).values
            XCTAssertEqual(values.count, sigma.count)
            for (got, want) in zip(values, sigma) {
                XCTAssertEqual(got, want, accuracy: 1e-9 * sigma[0], name)
            }
        }
    }

    func testSecondRunIsServedFromCacheAndAChangedFileIsNot() throws {
        _ = try writeDesignedCheckpoint()
        let first = try spectra(cache: SpectrumCache(directory: cacheDirectory))
        XCTAssertTrue(first.values.allSatisfy { !$0.cached })
        let cacheFiles = try FileManager.default.contentsOfDirectory(atPath: cacheDirectory).filter { $0.hasSuffix(".safetensors") }
        XCTAssertEqual(cacheFiles.count, 1)

        let second = try spectra(cache: SpectrumCache(directory: cacheDirectory))
        XCTAssertTrue(second.values.allSatisfy(\.cached))
        for (name, entry) in first { XCTAssertEqual(second[name]?.values, entry.values, "cached values are bit-identical") }

        // Rewrite the checkpoint with the same names and shapes but other values.
        let designed = try writeDesignedCheckpoint(scale: 3)
        let third = try spectra(cache: SpectrumCache(directory: cacheDirectory))
        for (name, sigma) in designed {
            let entry = try XCTUnwrap(third[name])
            XCTAssertFalse(entry.cached, "a changed file must not be served from the cache")
            XCTAssertEqual(entry.values[0], sigma[0], accuracy: 1e-9 * sigma[0])
        }
    }

    func testNonFiniteMatrixFailsWithItsName() throws {
        var values = Fixtures.gaussian(rows: 5, columns: 5, seed: 9)
        values[7] = .nan
        try Fixtures.writeF32([
            ("model.layers.0.mlp.up_proj.weight", [5, 5], values),
            ("model.layers.0.mlp.down_proj.weight", [5, 5], Fixtures.gaussian(rows: 5, columns: 5, seed: 10)),
        ], to: directory + "/model.safetensors")
        let catalog = LayerCatalog(checkpoint: try Checkpoint(path: directory))
        let events = SpectrumEngine(checkpoint: catalog.checkpoint, cache: nil).run(catalog.compressibleEntries)
        var failures: [SpectrumError] = []
        var finished = 0
        for event in events {
            switch event {
            case .failed(let error): failures.append(error)
            case .finished: finished += 1
            case .estimated: XCTFail("no estimate was asked for")
            }
        }
        XCTAssertEqual(finished, 1)
        XCTAssertEqual(failures.map(\.tensorName), ["model.layers.0.mlp.up_proj.weight"])
        XCTAssertTrue(failures[0].description.hasPrefix("model.layers.0.mlp.up_proj.weight: "), failures[0].description)
    }

    func testCancelStopsEarlyAndReportsCompletion() throws {
        var tensors: [(String, [Int], [Double])] = []
        for block in 0..<40 {
            tensors.append(("model.layers.\(block).mlp.up_proj.weight", [96, 96], Fixtures.gaussian(rows: 96, columns: 96, seed: UInt64(block))))
        }
        try Fixtures.writeF32(tensors, to: directory + "/model.safetensors")
        let catalog = LayerCatalog(checkpoint: try Checkpoint(path: directory))
        let engine = SpectrumEngine(checkpoint: catalog.checkpoint, cache: nil, workers: 2)
        let finished = expectation(description: "completion")
        let seen = Counter()
        engine.start(catalog.compressibleEntries.map { SpectrumRequest($0, kind: .weights) }, onEvent: { _, _, _ in
            if seen.increment() == 3 { engine.cancel() }
        }, onCompletion: { progress in
            XCTAssertLessThan(progress.completed, 40)
            finished.fulfill()
        })
        wait(for: [finished], timeout: 60)
        XCTAssertTrue(engine.isCancelled)
        XCTAssertLessThanOrEqual(engine.currentProgress.completed, 3 + 2, "at most the workers' in-flight matrices finish after cancel")
    }
}

extension SpectrumEngineTests {
    func testACancelledRunEndsOnlyOnceItsWorkersHaveReturned() throws {
        try Fixtures.writeF32((0..<3).map { ("model.layers.\($0).mlp.up_proj.weight", [8, 8], Fixtures.gaussian(rows: 8, columns: 8, seed: UInt64($0))) },
                              to: directory + "/model.safetensors")
        let catalog = LayerCatalog(checkpoint: try Checkpoint(path: directory))
        let method = UninterruptibleMethod(seconds: 0.5)
        let engine = SpectrumEngine(checkpoint: catalog.checkpoint, cache: nil, methods: [method], workers: 1)
        DispatchQueue.global().async {
            method.entered.wait()
            engine.cancel()
        }
        let events = engine.run(catalog.compressibleEntries)
        XCTAssertTrue(events.isEmpty, "the matrix in flight at the cancellation is dropped")
        XCTAssertEqual(method.returnedCalls, 1, "run() returned while its worker was still inside the call")
        XCTAssertEqual(engine.workersInFlight, 0)
    }
}

/// A method whose call cannot be interrupted, like a LAPACK eigen-solve: it ignores the
/// cancellation flag for `seconds`, then returns.
private final class UninterruptibleMethod: SpectrumMethod, @unchecked Sendable {
    let seconds: Double
    /// Signalled when a call starts.
    let entered = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var returned = 0

    init(seconds: Double) { self.seconds = seconds }

    var kind: SpectrumKind { .weights }
    var cacheTag: String { "test-uninterruptible" }
    var recordsWhitening: Bool { false }
    func flops(rows: Int, columns: Int) -> Double { 0 }
    func bytes(rows: Int, columns: Int) -> Double { 0 }

    /// Calls that have returned.
    var returnedCalls: Int {
        lock.lock()
        defer { lock.unlock() }
        return returned
    }

    func compute(_ source: MatrixSource, tensorName: String, isCancelled: @escaping () -> Bool) throws -> SpectrumValues {
        entered.signal()
        Thread.sleep(forTimeInterval: seconds)
        lock.lock()
        returned += 1
        lock.unlock()
        return SpectrumValues(singularValues: Array(repeating: 1, count: min(source.rows, source.columns)))
    }
}

/// A thread-safe counter for callbacks from worker threads.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
