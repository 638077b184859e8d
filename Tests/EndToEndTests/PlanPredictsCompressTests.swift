import Foundation
import XCTest

/// What `plan` predicts is what `compress` (default options) writes, on an F32 checkpoint with 16-bit,
/// 4-bit and CALDERA factors and an 8-bit dense layer: the plan's bytes after equal the index's
/// `total_size`, and the files line equals the shards plus the index, to the byte.
final class PlanPredictsCompressTests: CompressTestCase {
    override func writeFixture() throws {
        try CompressFixture.writeCheckpoint(input)
        try CompressFixture.writePlan(plan, qRank: 6, upRank: 10, extra: """
        , {"match": "down_proj", "rank": 5, "bits": 4, "group_size": 16},
          {"match": "layers\\\\.1\\\\.mlp\\\\.up_proj", "rank": 4, "bits": 4, "backbone_bits": 2, "group_size": 32},
          {"match": "o_proj", "keep_dense": true, "dense_bits": 8, "group_size": 16}
        """)
    }

    func testThePlannedFilesAreTheWrittenFiles() throws {
        let cache = directory + "/cache"
        let json = try Harness.rankscope(["plan", input, "--plan", plan, "--json"], cacheHome: cache)
        XCTAssertEqual(json.status, 0, json.stderr)
        let totals = try XCTUnwrap((Harness.json(json.stdout) as? [String: Any])?["totals"] as? [String: Any])
        let bytesAfter = try XCTUnwrap((totals["model"] as? [String: Any])?["bytes_after"] as? Int)
        let text = try Harness.rankscope(["plan", input, "--plan", plan], cacheHome: cache)
        XCTAssertEqual(text.status, 0, text.stderr)
        let line = try XCTUnwrap(text.stdout.split(separator: "\n").first { $0.contains("`compress` (default options) writes") }, text.stdout)
        let numbers = line.split(whereSeparator: { !$0.isNumber && $0 != "," }).map { $0.replacingOccurrences(of: ",", with: "") }.compactMap(Int.init)
        let run = try Harness.rankscope(["compress", input, "--plan", plan, "--out", output], cacheHome: cache)
        XCTAssertEqual(run.status, 0, run.stderr)

        var files = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: output)
        where name.hasSuffix(".safetensors") || name == "model.safetensors.index.json" {
            files += try XCTUnwrap(FileManager.default.attributesOfItem(atPath: output + "/" + name)[.size] as? Int)
        }
        let index = try XCTUnwrap(Harness.json(String(contentsOfFile: output + "/model.safetensors.index.json", encoding: .utf8)) as? [String: Any])
        let totalSize = try XCTUnwrap((index["metadata"] as? [String: Any])?["total_size"] as? Int)
        XCTAssertEqual(bytesAfter, totalSize, "plan bytes after vs written tensor data")
        XCTAssertEqual(numbers.first, files, "plan's files line vs the shards and index on disk: \(line)")
        XCTAssertTrue(numbers.contains(totalSize), "the line states the tensor data: \(line)")
        print("plan bytes after \(bytesAfter), written total_size \(totalSize); predicted files \(numbers.first ?? -1), written \(files)")
    }
}
