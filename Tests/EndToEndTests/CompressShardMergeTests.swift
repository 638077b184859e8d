import Foundation
import XCTest

/// `compress --shard I/N` in N separate folders, then `merge`, writes exactly the bytes one
/// `compress` run writes; a merge missing a part, or given a part of another job, says so.
final class CompressShardMergeTests: CompressTestCase {
    override func writeFixture() throws {
        try CompressFixture.writeCheckpoint(input, blocks: 3, size: 64)
        try CompressFixture.writePlan(plan, qRank: 8, upRank: 12, extra: #", {"match": "o_proj", "rank": 10}"#)
    }

    private func arguments(_ command: String, _ output: String, _ more: [String] = []) -> [String] {
        var words = CompressFixture.arguments(input, plan, output, ["--max-shard-size", "60KB"] + more)
        words[0] = command
        return words
    }

    private func layerFiles(_ part: String) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: part + "/.rankscope-job/layers")) ?? []).count
    }

    func testShardedPartsMergeIntoTheSingleRunsBytes() throws {
        let cache = directory + "/cache"
        let single = directory + "/single"
        let whole = try Harness.rankscope(arguments("compress", single), cacheHome: cache)
        XCTAssertEqual(whole.status, 0, whole.stderr)

        let parts = (0..<3).map { directory + "/part\($0)" }
        var perPart: [Int] = []
        for (index, part) in parts.enumerated() {
            let outcome = try Harness.rankscope(arguments("compress", part, ["--shard", "\(index)/3", "--json"]), cacheHome: cache)
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            let report = try XCTUnwrap(Harness.json(outcome.stdout) as? [String: Any])
            perPart.append((report["layers"] as? [Any])?.count ?? -1)
            XCTAssertEqual(layerFiles(part), perPart.last, "a part keeps its layers in its journal")
            XCTAssertFalse(FileManager.default.fileExists(atPath: part + "/model.safetensors.index.json"), "a part writes no checkpoint")
        }
        // 9 factorized layers (q, o, up in 3 blocks), every third to each part.
        XCTAssertEqual(perPart, [3, 3, 3])

        // Two of three parts: the merge names what is missing and writes no checkpoint.
        let incomplete = try Harness.rankscope(arguments("merge", directory + "/incomplete") + Array(parts.prefix(2)), cacheHome: cache)
        XCTAssertEqual(incomplete.status, 1)
        XCTAssertTrue(incomplete.stderr.contains("3 of 9 layers are in none of the parts"), incomplete.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/incomplete/model.safetensors.index.json"))

        // Parts made with other options are refused by name.
        let mismatch = try Harness.rankscope(arguments("merge", directory + "/mismatch", ["--caldera-iterations", "3"]) + parts, cacheHome: cache)
        XCTAssertEqual(mismatch.status, 1)
        XCTAssertTrue(mismatch.stderr.contains(parts[0]) && mismatch.stderr.contains("different input, plan or output options"), mismatch.stderr)

        let merged = directory + "/merged"
        let outcome = try Harness.rankscope(arguments("merge", merged, ["--json"]) + parts, cacheHome: cache)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let report = try XCTUnwrap(Harness.json(outcome.stdout) as? [String: Any])
        let layers = try XCTUnwrap(report["layers"] as? [[String: Any]])
        XCTAssertEqual(layers.count, 9)
        XCTAssertTrue(layers.allSatisfy { $0["resumed"] as? Bool == true }, "merge compresses nothing itself")

        let expected = try CompressFixture.contents(of: single, includingHidden: true, excluding: ["rankscope-report.json"])
        let actual = try CompressFixture.contents(of: merged, includingHidden: true, excluding: ["rankscope-report.json"])
        XCTAssertEqual(Set(actual.keys), Set(expected.keys))
        XCTAssertGreaterThan(expected.keys.filter { $0.hasSuffix(".safetensors") }.count, 1)
        for (name, bytes) in expected { XCTAssertEqual(actual[name], bytes, "\(name) differs from the single run's") }
        XCTAssertEqual(layerFiles(parts[0]), 3, "the parts are left as they are")
    }
}
