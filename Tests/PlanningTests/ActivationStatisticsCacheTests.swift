import Foundation
import LinearAlgebra
import Planning
import SafeTensors
import XCTest

/// Data-aware spectra are cached apart from plain ones and from other statistics files.
final class ActivationStatisticsCacheTests: XCTestCase {
    private var directory = ""
    private let weightName = "model.layers.0.mlp.up_proj.weight"

    override func setUpWithError() throws {
        directory = try Fixtures.temporaryDirectory()
        try Fixtures.writeF32([(weightName, [5, 3], Fixtures.gaussian(rows: 5, columns: 3, seed: 9))], to: directory + "/model.safetensors")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func writeStatistics(_ path: String, meanSquare: [Double]) throws -> ActivationStatistics {
        try ActivationStatisticsWriter.write(path: path, layers: [
            LayerInputStatistics(module: "model.layers.0.mlp.up_proj", secondMoment: nil, meanSquare: meanSquare, tokens: 4),
        ])
        return try ActivationStatistics(path: path)
    }

    private func dataAware(_ statistics: ActivationStatistics, _ catalog: LayerCatalog) throws -> (values: [Double], cached: Bool) {
        let events = SpectrumEngine(checkpoint: catalog.checkpoint, cache: SpectrumCache(directory: directory + "/cache"), statistics: statistics)
            .run(catalog.compressibleEntries, kind: .dataAware)
        guard case .finished(let spectrum, let fromCache)? = events.first else { throw XCTSkip("no spectrum: \(events)") }
        return (spectrum.singularValues, fromCache)
    }

    private func plain(_ catalog: LayerCatalog) throws -> (values: [Double], cached: Bool) {
        let events = SpectrumEngine(checkpoint: catalog.checkpoint, cache: SpectrumCache(directory: directory + "/cache")).run(catalog.compressibleEntries)
        guard case .finished(let spectrum, let fromCache)? = events.first else { throw XCTSkip("no spectrum: \(events)") }
        return (spectrum.singularValues, fromCache)
    }

    func testPlainAndDataAwareSpectraNeverServeEachOther() throws {
        let catalog = LayerCatalog(checkpoint: try Checkpoint(path: directory + "/model.safetensors"))
        let loud = try writeStatistics(directory + "/loud.safetensors", meanSquare: [100, 1, 1])
        let quiet = try writeStatistics(directory + "/quiet.safetensors", meanSquare: [1, 1, 100])
        XCTAssertNotEqual(loud.fingerprint, quiet.fingerprint)

        let plainFirst = try plain(catalog)
        XCTAssertFalse(plainFirst.cached)
        let loudFirst = try dataAware(loud, catalog)
        XCTAssertFalse(loudFirst.cached, "a plain cache entry must not serve a data-aware spectrum")
        let quietFirst = try dataAware(quiet, catalog)
        XCTAssertFalse(quietFirst.cached, "another statistics file's entry must not serve")

        let plainAgain = try plain(catalog), loudAgain = try dataAware(loud, catalog)
        XCTAssertTrue(plainAgain.cached)
        XCTAssertTrue(loudAgain.cached)
        XCTAssertEqual(plainAgain.values, plainFirst.values)
        XCTAssertEqual(loudAgain.values, loudFirst.values)

        // Independent figure: ‖W·S‖_F² = Σⱼ mean_squareⱼ·‖column j‖² (S = diag(√mean_square)).
        let weight: [Double] = Fixtures.gaussian(rows: 5, columns: 3, seed: 9).map { Double(Float($0)) }
        let meanSquare: [Double] = [100, 1, 1]
        var energy = 0.0
        for (index, value) in weight.enumerated() { energy += meanSquare[index % 3] * value * value }
        XCTAssertEqual(loudFirst.values.map { $0 * $0 }.reduce(0, +), energy, accuracy: 1e-9 * energy)
        XCTAssertNotEqual(loudFirst.values, quietFirst.values)
    }

    func testCacheFileNamesAreUnchanged() {
        let cache = SpectrumCache(directory: "/c"), whitened = SpectrumCache.whitenedMethodTag + ":1-2-3-4"
        XCTAssertEqual(GramSpectrumMethod().cacheTag, SpectrumCache.methodTag)
        XCTAssertEqual(cache.cachePath(forRealPath: "/m.safetensors"), "/c/spectra-" + String(FNV1a.hash("/m.safetensors"), radix: 16) + ".safetensors")
        XCTAssertEqual(cache.cachePath(forRealPath: "/m.safetensors", method: whitened),
                       "/c/spectra-whitened-" + String(FNV1a.hash("/m.safetensors\n" + whitened), radix: 16) + ".safetensors")
    }
}
