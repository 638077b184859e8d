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

/// A plan choosing E8P for three CALDERA layers (`"backbone_codebook": "e8p"`) at 2, 3 and 4 backbone
/// bits: `compress --plan --incoherence` with no codebook flag writes them in E8P (with a sign or E8P
/// residual stage at 3 and 4 bits), each one's `estimated_bytes` equals its `bytes_written`,
/// docs/compression.md's bits formula (b·m·n + 16·m backbone bits, + 16·m for a residual stage, plus
/// the factors) and `plan`'s bytes after for it, and the index's `total_size` is `plan`'s bytes after.
/// `plan --e8p --backbone-bits 3` plans 3-bit E8P backbones; a width E8P has no variant for is refused.
final class E8PBytesPredictCompressTests: CompressTestCase {
    override func writeFixture() throws {
        try CompressFixture.writeCheckpoint(input)
        try CompressFixture.writePlan(plan, qRank: 6, upRank: 10, extra: """
        , {"match": "layers\\\\.1\\\\.mlp\\\\.up_proj", "rank": 4, "bits": 4, "backbone_bits": 2, "group_size": 32, "backbone_codebook": "e8p"},
          {"match": "layers\\\\.0\\\\.mlp\\\\.up_proj", "rank": 3, "bits": 4, "backbone_bits": 3, "group_size": 32, "backbone_codebook": "e8p"},
          {"match": "layers\\\\.0\\\\.mlp\\\\.down_proj", "rank": 2, "bits": 8, "backbone_bits": 4, "group_size": 16, "backbone_codebook": "e8p"}
        """)
    }

    func testThePlannedE8PLayerIsTheWrittenOne() throws {
        let cache = directory + "/cache"
        let planned = try Harness.rankscope(["plan", input, "--plan", plan, "--json"], cacheHome: cache)
        XCTAssertEqual(planned.status, 0, planned.stderr)
        let planReport = try XCTUnwrap(Harness.json(planned.stdout) as? [String: Any])
        let totals = try XCTUnwrap(planReport["totals"] as? [String: Any])
        let bytesAfter = try XCTUnwrap((totals["model"] as? [String: Any])?["bytes_after"] as? Int)
        let planLayers = try XCTUnwrap(planReport["layers"] as? [[String: Any]])
        let run = try Harness.rankscope(["compress", input, "--plan", plan, "--out", output, "--incoherence",
                                         "--caldera-iterations", "2", "--json"], cacheHome: cache)
        XCTAssertEqual(run.status, 0, run.stderr)
        let report = try XCTUnwrap(Harness.json(run.stdout) as? [String: Any])
        let layers = try XCTUnwrap(report["layers"] as? [[String: Any]])
        // (module, m, n, rank, factor bits, group size, backbone bits) of the three E8P layers.
        let expected = [("model.layers.1.mlp.up_proj", 96, 48, 4, 4, 32, 2), ("model.layers.0.mlp.up_proj", 96, 48, 3, 4, 32, 3),
                        ("model.layers.0.mlp.down_proj", 48, 96, 2, 8, 16, 4)]
        let config = try XCTUnwrap(Harness.json(String(contentsOfFile: output + "/config.json", encoding: .utf8)) as? [String: Any])
        let entries = try XCTUnwrap((config["rankscope"] as? [String: Any])?["layers"] as? [String: Any])
        for (module, m, n, k, b, g, bq) in expected {
            let caldera = try XCTUnwrap(layers.first { $0["name"] as? String == module + ".weight" }, module)
            XCTAssertEqual(caldera["method"] as? String, "caldera")
            func groups(_ c: Int) -> Int { (c + g - 1) / g }
            let factors = (k * n * b + 7) / 8 + (k * m * b + 7) / 8 + 4 * k * (groups(n) + groups(m))
            let lattice = (bq * m * n + 16 * m + (bq > 2 ? 16 * m : 0)) / 8
            XCTAssertEqual(caldera["bytes_written"] as? Int, factors + lattice, "\(module): the formula's bytes")
            XCTAssertEqual(caldera["estimated_bytes"] as? Int, caldera["bytes_written"] as? Int, module)
            let plannedLayer = try XCTUnwrap(planLayers.first { $0["name"] as? String == module + ".weight" }, module)
            XCTAssertEqual((plannedLayer["choice"] as? [String: Any])?["backbone_codebook"] as? String, "e8p", module)
            XCTAssertEqual(plannedLayer["bytes_after"] as? Int, caldera["bytes_written"] as? Int, "plan's bytes after for \(module)")
            let entry = try XCTUnwrap(entries[module] as? [String: Any], module)
            XCTAssertEqual(entry["backbone_codebook"] as? String, "e8p", module)
            XCTAssertEqual(entry["backbone_bits"] as? Int, bq, module)
            print(String(format: "E8P %d-bit layer %d×%d rank %d: %d bytes planned = written = formula, %.3f bits/weight",
                         bq, m, n, k, factors + lattice, Double(factors + lattice) * 8 / Double(m * n)))
        }
        for layer in layers { XCTAssertEqual(layer["estimated_bytes"] as? Int, layer["bytes_written"] as? Int, "\(layer["name"] ?? "")") }
        let index = try XCTUnwrap(Harness.json(String(contentsOfFile: output + "/model.safetensors.index.json", encoding: .utf8)) as? [String: Any])
        let totalSize = try XCTUnwrap((index["metadata"] as? [String: Any])?["total_size"] as? Int)
        XCTAssertEqual(totalSize, bytesAfter, "plan bytes after vs written tensor data")
        let weightMap = try XCTUnwrap(index["weight_map"] as? [String: Any])
        for module in ["model.layers.0.mlp.up_proj", "model.layers.0.mlp.down_proj"] {
            XCTAssertNotNil(weightMap[module + ".backbone.e8p_residual"], "\(module): the residual stage is written")
            XCTAssertNotNil(weightMap[module + ".backbone.e8p_residual_scales"], module)
        }
        XCTAssertNil(weightMap["model.layers.1.mlp.up_proj.backbone.e8p_residual"], "no residual stage at 2 bits")
        // `plan --e8p --backbone-bits 3`: every CALDERA backbone in 3-bit E8P; 5 bits has no variant.
        let three = try Harness.rankscope(["plan", input, "--plan", plan, "--e8p", "--backbone-bits", "3", "--json"], cacheHome: cache)
        XCTAssertEqual(three.status, 0, three.stderr)
        let threeLayers = try XCTUnwrap((Harness.json(three.stdout) as? [String: Any])?["layers"] as? [[String: Any]])
        XCTAssertTrue(threeLayers.contains { ($0["choice"] as? [String: Any])?["backbone_codebook"] as? String == "e8p" }, three.stdout)
        let refused = try Harness.rankscope(["plan", input, "--plan", plan, "--e8p", "--backbone-bits", "5"], cacheHome: cache)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("--backbone-bits 5 is not supported"), refused.stderr)
    }
}
