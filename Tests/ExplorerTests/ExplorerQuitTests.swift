import Foundation
import Explorer
import LinearAlgebra
import Planning
import SafeTensors
import TerminalUI
import XCTest

/// Quitting while spectra are still computing keeps every finished spectrum in the cache.
final class ExplorerQuitTests: XCTestCase {
    func testQuitMidComputationFlushesFinishedSpectraToTheCache() throws {
        let directory = NSTemporaryDirectory() + "rankscope-explorer-quit-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var generator = SeededGenerator(seed: 5)
        let tensors: [(TensorSpec, [UInt8])] = (0..<40).map { block in
            let values = (0..<(160 * 160)).map { _ in Float(generator.nextGaussian()) }
            return (TensorSpec(name: "model.layers.\(block).mlp.up_proj.weight", dtype: .F32, shape: [160, 160]),
                    values.withUnsafeBytes { Array($0) })
        }
        try SafeTensorsWriter.write(path: directory + "/model.safetensors", tensors: tensors, metadata: nil)
        let catalog = LayerCatalog(checkpoint: try Checkpoint(path: directory))
        let cacheDirectory = directory + "/cache"

        let app = ExplorerApp(catalog: catalog, backend: InMemoryBackend(width: 100, height: 30),
                              cache: SpectrumCache(directory: cacheDirectory), workers: 1)
        app.start()
        let deadline = Date().addingTimeInterval(60)
        while !app.state.statuses.contains(where: { $0.spectrum != nil }) && Date() < deadline {
            app.step(timeout: 10)
        }
        app.handle(.character("q"))
        XCTAssertTrue(app.state.shouldQuit, "no ranks chosen, so q quits at once")
        app.finish()
        let ready = Set(app.state.statuses.indices.filter { app.state.statuses[$0].spectrum != nil }.map { catalog.compressibleEntries[$0].info.name })
        XCTAssertFalse(ready.isEmpty)

        var cached = Set<String>()
        for event in SpectrumEngine(checkpoint: catalog.checkpoint, cache: SpectrumCache(directory: cacheDirectory)).run(catalog.compressibleEntries) {
            if case .finished(let spectrum, true) = event { cached.insert(spectrum.tensorName) }
        }
        XCTAssertTrue(ready.isSubset(of: cached), "every spectrum shown before quitting is in the cache: \(ready.subtracting(cached))")
    }
}
