import Compression
import Foundation
import Planning
import PythonOracle
import SafeTensors
import XCTest

/// A plan's layers computed in memory in this process (``InMemoryCompression``, the plan applied
/// by ``PlanDocument/choices(for:)`` on spectra computed here) equal, bit for bit, the layers read
/// back (``CompressedFolder``) from the folder the `rankscope compress` binary wrote for the same
/// plan: rules with energy ranks, quantized factors, CALDERA and quantized dense; a target
/// allocated by the budget allocator; the same with `--stats` (data-aware spectra and factors).
final class DecodedPlanTests: CompressTestCase {
    private var cache: String { directory + "/cache" }

    override func writeFixture() throws {
        try CompressFixture.writeCheckpoint(input)
        try CompressFixture.writePlan(plan, qRank: 6, upRank: 10, extra: """
        , {"match": "q_proj", "rank": {"energy": 0.95}},
          {"match": "up_proj", "bits": 4, "group_size": 16},
          {"match": "down_proj", "rank": 5, "bits": 8, "group_size": 32, "backbone_bits": 2},
          {"match": "o_proj", "keep_dense": true, "dense_bits": 3, "group_size": 16}
        """)
    }

    /// The checkpoint's planned tensors with their spectra (data-aware with `statistics`), computed here.
    private func tensors(_ checkpoint: Checkpoint, statistics: ActivationStatistics? = nil) throws -> [PlannedTensor] {
        let catalog = LayerCatalog(checkpoint: checkpoint)
        let entries = catalog.compressibleEntries
        let events = SpectrumEngine(checkpoint: checkpoint, cache: nil, statistics: statistics)
            .run(entries, kind: statistics == nil ? .weights : .dataAware)
        var spectra: [String: Spectrum] = [:]
        for event in events {
            guard case .finished(let spectrum, _) = event else { XCTFail("\(event)"); continue }
            spectra[spectrum.tensorName] = spectrum
        }
        return catalog.groups.flatMap(\.entries).map { PlannedTensor(entry: $0, spectrum: spectra[$0.info.name]) }
    }

    private func assertEqualLayers(_ settings: LayerCompressionSettings, more: [String] = [],
                                   file: StaticString = #filePath, line: UInt = #line) throws {
        let run = try Harness.rankscope(CompressFixture.arguments(input, plan, output, more), cacheHome: cache)
        XCTAssertEqual(run.status, 0, run.stderr, file: file, line: line)
        let checkpoint = try Checkpoint(path: input)
        let memory = try InMemoryCompression.decodedLayers(of: checkpoint, plan: PlanDocument.load(path: plan),
                                                           tensors: tensors(checkpoint, statistics: settings.statistics),
                                                           settings: settings, jobs: 2)
        let folder = try CompressedFolder.read(output)
        XCTAssertFalse(memory.replacedModules.isEmpty, file: file, line: line)
        XCTAssertEqual(memory.replacedModules, folder.replacedModules, file: file, line: line)
        for module in memory.replacedModules {
            XCTAssertEqual(memory.layers[module], folder.layers[module], "\(module): in memory = written by compress", file: file, line: line)
        }
    }

    func testRulesInMemoryEqualTheCompressedFolder() throws {
        try assertEqualLayers(LayerCompressionSettings(factorType: .F32, calderaIterations: 10))
        let folder = try CompressedFolder.read(output)
        let kinds = folder.replacedModules.map { module -> String in
            switch folder.layers[module]! {
            case .dense: return "dense"
            case .factored: return "factored"
            case .caldera, .packedCaldera: return "caldera"
            }
        }
        XCTAssertEqual(Set(kinds), ["dense", "factored", "caldera"], "\(zip(folder.replacedModules, kinds).map { "\($0) \($1)" })")
    }

    func testATargetInMemoryEqualsTheCompressedFolder() throws {
        try #"{"format": "rankscope-plan", "version": 1, "defaults": {"factor_bits": 8, "group_size": 16}, "target": {"parameters": "30K"}}"#
            .write(toFile: plan, atomically: true, encoding: .utf8)
        try assertEqualLayers(LayerCompressionSettings(factorType: .F32))
    }

    func testStatisticsInMemoryEqualTheCompressedFolder() throws {
        let stats = directory + "/stats.safetensors"
        try PythonOracle.run("""
        import sys, os, numpy as np
        from safetensors import safe_open
        from safetensors.numpy import save_file
        model, out = sys.argv[1], sys.argv[2]
        rng = np.random.default_rng(7)
        tensors = {}
        for shard in sorted(f for f in os.listdir(model) if f.endswith(".safetensors")):
            with safe_open(os.path.join(model, shard), "np") as f:
                for name in f.keys():
                    if not name.endswith("proj.weight"):
                        continue
                    n, t = f.get_tensor(name).shape[1], 300
                    X = (10.0 ** np.linspace(-2, 2, n))[:, None] * rng.standard_normal((n, t))
                    tensors[name[:-len(".weight")] + ".input_second_moment"] = X @ X.T / t
                    tensors[name[:-len(".weight")] + ".tokens"] = np.array([t], dtype=np.int64)
        save_file(tensors, out, metadata={"format": "rankscope-activation-stats", "version": "1"})
        """, [input, stats])
        try assertEqualLayers(LayerCompressionSettings(factorType: .F32, statistics: ActivationStatistics(path: stats)), more: ["--stats", stats])
    }
}
