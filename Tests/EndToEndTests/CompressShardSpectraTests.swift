import Foundation
import PythonOracle
import SafeTensors
import XCTest

/// `compress --shard I/N` computes only the spectra of its own layers: with an empty cache, the
/// cache a part leaves holds exactly the layers its report lists, `merge` computes only those
/// energy rules rank, and the merged output is still byte for byte a single run's. A plan with a
/// target needs every spectrum, and a part says so once on standard error.
final class CompressShardSpectraTests: CompressTestCase {
    /// Energy rules on q_proj and up_proj, an exact rank on o_proj; down_proj stays as stored.
    override func writeFixture() throws {
        try CompressFixture.writeCheckpoint(input, blocks: 3, size: 32)
        try writePlan(plan)
    }

    private func writePlan(_ path: String, target: String = "") throws {
        try """
        {"format": "rankscope-plan", "version": 1\(target),
         "rules": [{"match": "q_proj", "rank": {"energy": 0.99}}, {"match": "up_proj", "rank": {"energy": 0.9}},
                   {"match": "o_proj", "rank": 10}]}
        """.write(toFile: path, atomically: true, encoding: .utf8)
    }

    private func arguments(_ command: String, _ output: String, _ more: [String] = [], plan: String? = nil) -> [String] {
        var words = CompressFixture.arguments(input, plan ?? self.plan, output, more)
        words[0] = command
        return words
    }

    /// The matrix names whose spectra the cache under `cacheHome` holds (data-aware caches also
    /// keep each matrix's whitening, under "NAME whitening").
    private func cachedSpectra(_ cacheHome: String) throws -> [String] {
        let folder = cacheHome + "/rankscope"
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return try files.filter { $0.hasSuffix(".safetensors") }.flatMap { file in
            try SafeTensorsFile(path: folder + "/" + file).header.tensors.map(\.name).filter { $0.hasSuffix(".weight") }
        }.sorted()
    }

    /// Runs the parts, each with an empty cache of its own, and returns their reports' layer names.
    private func runParts(_ parts: [String], more: [String] = [], plan: String? = nil) throws -> [[String]] {
        try parts.enumerated().map { index, part in
            let cache = part + "-cache"
            let outcome = try Harness.rankscope(arguments("compress", part, ["--shard", "\(index)/\(parts.count)", "--json"] + more, plan: plan),
                                                cacheHome: cache)
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            XCTAssertFalse(outcome.stderr.contains("target"), outcome.stderr)
            let report = try XCTUnwrap(Harness.json(outcome.stdout) as? [String: Any])
            let names = try XCTUnwrap(report["layers"] as? [[String: Any]]).compactMap { $0["name"] as? String }.sorted()
            XCTAssertEqual(try cachedSpectra(cache), names, "part \(index) computes the spectra of its own layers, no others")
            return names
        }
    }

    private func assertSameBytes(_ merged: String, as single: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = try CompressFixture.contents(of: single, includingHidden: true, excluding: ["rankscope-report.json"])
        let actual = try CompressFixture.contents(of: merged, includingHidden: true, excluding: ["rankscope-report.json"])
        XCTAssertEqual(Set(actual.keys), Set(expected.keys), file: file, line: line)
        for (name, bytes) in expected { XCTAssertEqual(actual[name], bytes, "\(name) differs from the single run's", file: file, line: line) }
    }

    func testEachPartComputesOnlyItsLayersSpectraAndTheMergeEqualsASingleRun() throws {
        let single = directory + "/single"
        let singleCache = directory + "/single-cache"
        let whole = try Harness.rankscope(arguments("compress", single, ["--json"]), cacheHome: singleCache)
        XCTAssertEqual(whole.status, 0, whole.stderr)
        let all = try cachedSpectra(singleCache)
        let report = try XCTUnwrap(Harness.json(whole.stdout) as? [String: Any])
        let compressed = try XCTUnwrap(report["layers"] as? [[String: Any]]).compactMap { $0["name"] as? String }.sorted()
        XCTAssertEqual(compressed.count, 9, "q, o and up in three blocks")
        XCTAssertGreaterThan(all.count, compressed.count, "a single run also analyses the matrices it keeps")

        let parts = (0..<3).map { directory + "/part\($0)" }
        let perPart = try runParts(parts)
        XCTAssertEqual(perPart.map(\.count), [3, 3, 3])
        XCTAssertEqual(perPart.flatMap { $0 }.sorted(), compressed, "the parts split the single run's layers")

        // The merge compresses nothing: it needs only the spectra energy rules rank by.
        let mergeCache = directory + "/merge-cache"
        let merged = directory + "/merged"
        let outcome = try Harness.rankscope(arguments("merge", merged) + parts, cacheHome: mergeCache)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(try cachedSpectra(mergeCache), compressed.filter { $0.contains("q_proj") || $0.contains("up_proj") })
        try assertSameBytes(merged, as: single)

        // The same plan frozen by `plan --out` (exact ranks) states the same choices: its merge needs no spectrum.
        let frozen = directory + "/frozen.json"
        let freeze = try Harness.rankscope(["plan", input, "--plan", plan, "--out", frozen], cacheHome: singleCache)
        XCTAssertEqual(freeze.status, 0, freeze.stderr)
        let frozenCache = directory + "/frozen-cache"
        let frozenMerge = try Harness.rankscope(arguments("merge", directory + "/frozen-merged", plan: frozen) + parts, cacheHome: frozenCache)
        XCTAssertEqual(frozenMerge.status, 0, frozenMerge.stderr)
        XCTAssertEqual(try cachedSpectra(frozenCache), [])
        try assertSameBytes(directory + "/frozen-merged", as: single)

        // A part given another energy is refused by the merge, though its other layers' ranks are not recorded.
        let other = directory + "/other.json"
        try String(contentsOfFile: plan, encoding: .utf8).replacingOccurrences(of: "0.9}", with: "0.5}")
            .write(toFile: other, atomically: true, encoding: .utf8)
        let changed = directory + "/changed"
        let upPart = try XCTUnwrap(perPart.firstIndex { $0.contains { $0.contains("up_proj") } })
        XCTAssertEqual(try Harness.rankscope(arguments("compress", changed, ["--shard", "\(upPart)/3"], plan: other), cacheHome: mergeCache).status, 0)
        var mixed = parts
        mixed[upPart] = changed
        let refused = try Harness.rankscope(arguments("merge", directory + "/refused") + mixed, cacheHome: mergeCache)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains(changed) && refused.stderr.contains("different input, plan or output options"), refused.stderr)
    }

    func testDataAwarePartsComputeOnlyTheirSpectraAndMergeIntoTheSingleRunsBytes() throws {
        let stats = directory + "/stats.safetensors"
        try writeStatistics(to: stats)
        let single = directory + "/single"
        let whole = try Harness.rankscope(arguments("compress", single, ["--stats", stats]), cacheHome: directory + "/single-cache")
        XCTAssertEqual(whole.status, 0, whole.stderr)
        let parts = (0..<2).map { directory + "/part\($0)" }
        let perPart = try runParts(parts, more: ["--stats", stats])
        XCTAssertEqual(perPart.map(\.count), [5, 4])
        let merged = directory + "/merged"
        let outcome = try Harness.rankscope(arguments("merge", merged, ["--stats", stats]) + parts, cacheHome: directory + "/merge-cache")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        try assertSameBytes(merged, as: single)
    }

    func testAPartOfAPlanWithATargetComputesEverySpectrumAndSaysSoOnce() throws {
        let targeted = directory + "/target.json"
        try writePlan(targeted, target: #", "target": {"parameters": 12000}"#)
        let cache = directory + "/part-cache"
        let outcome = try Harness.rankscope(arguments("compress", directory + "/part", ["--shard", "0/2"], plan: targeted), cacheHome: cache)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let notes = outcome.stderr.components(separatedBy: "\n").filter { $0.contains("target") }
        XCTAssertEqual(notes.count, 1, outcome.stderr)
        XCTAssertTrue(notes.first.map { $0.contains("XDG_CACHE_HOME") && $0.contains("--out") } ?? false, outcome.stderr)

        let whole = directory + "/whole-cache"
        XCTAssertEqual(try Harness.rankscope(arguments("compress", directory + "/single", [], plan: targeted), cacheHome: whole).status, 0)
        XCTAssertEqual(try cachedSpectra(cache), try cachedSpectra(whole), "the allocation weighs every layer")
    }

    /// Second moments for every q, o and up projection (random, positive definite), F64.
    private func writeStatistics(to path: String) throws {
        try PythonOracle.run("""
        import sys, os, numpy as np
        from safetensors import safe_open
        from safetensors.numpy import save_file
        model, path = sys.argv[1], sys.argv[2]
        rng = np.random.default_rng(7)
        tensors = {}
        for shard in sorted(f for f in os.listdir(model) if f.endswith(".safetensors")):
            with safe_open(os.path.join(model, shard), "np") as f:
                for name in f.keys():
                    if name.endswith(".weight") and any(k in name for k in ("q_proj", "o_proj", "up_proj")):
                        n = f.get_tensor(name).shape[1]
                        X = rng.standard_normal((n, 200)) * (10.0 ** np.linspace(-1, 1, n))[:, None]
                        tensors[name[:-len(".weight")] + ".input_second_moment"] = X @ X.T / 200
                        tensors[name[:-len(".weight")] + ".tokens"] = np.array([200], dtype=np.int64)
        save_file(tensors, path, metadata={"format": "rankscope-activation-stats", "version": "1"})
        """, [input, path])
    }
}
