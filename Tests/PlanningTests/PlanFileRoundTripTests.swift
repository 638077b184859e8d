import Foundation
import Planning
import XCTest

final class PlanFileRoundTripTests: XCTestCase {
    /// A plan using every feature of the format.
    static let everything = PlanDocument(
        checkpoint: PlanCheckpointReference(path: "/models/llama", tensorCount: 291, parameterCount: 6_738_415_616, fingerprint: "00ab12cd34ef5678"),
        defaults: PlanDefaults(factorBits: 8, groupSize: 64, backboneBits: 2, objective: .relativeParameters, minimumRank: .shareOfFullRank(0.125)),
        target: .bitsPerWeight(4.25),
        rules: [
            PlanRule(pattern: "mlp\\.(up|gate)_proj", settings: PlanSettings(action: .rank(.fraction(0.25)), factorBits: 4)),
            PlanRule(pattern: "self_attn", settings: PlanSettings(action: .rank(.energy(0.99)), backboneBits: .some(nil), floor: 8,
                                                                  allowedBits: [4, 8, 16])),
            PlanRule(pattern: "^model\\.layers\\.0\\.", settings: PlanSettings(action: .exclude)),
            PlanRule(pattern: "down_proj", settings: PlanSettings(action: .keepDense, groupSize: 32, denseBits: 4, lock: false)),
        ],
        overrides: [
            PlanOverride(tensor: "model.layers.3.self_attn.q_proj.weight", settings: PlanSettings(action: .rank(.exact(64)), lock: true)),
            PlanOverride(tensor: "model.layers.2.mlp.up_proj.weight", settings: PlanSettings(backboneBits: .some(3))),
        ])

    func testWrittenPlanReadsBackEqualAndIsStable() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/plan.json"
        try Self.everything.write(to: path)
        let loaded = try PlanDocument.load(path: path)
        XCTAssertEqual(loaded, Self.everything)
        XCTAssertEqual(loaded.file, path)
        let firstBytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try loaded.write(to: directory + "/again.json")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: directory + "/again.json")), firstBytes, "same plan, same bytes")
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: directory).contains { $0.contains("partial") })
    }

    /// The written text is the documented layout: keys in a fixed order, two-space indents, final newline.
    func testWrittenTextHasTheDocumentedLayout() {
        let plan = PlanDocument(defaults: PlanDefaults(), target: .parameters(13_200_000_000),
                                rules: [PlanRule(pattern: "mlp", settings: PlanSettings(action: .rank(.exact(32)), factorBits: 4, lock: true))],
                                overrides: [PlanOverride(tensor: "a.weight", settings: PlanSettings(action: .rank(.energy(0.9))))])
        XCTAssertEqual(plan.text, """
        {
          "format": "rankscope-plan",
          "version": 1,
          "defaults": {
            "factor_bits": 16,
            "group_size": 128,
            "backbone_bits": null,
            "objective": "relative",
            "min_rank": "auto"
          },
          "target": {
            "parameters": 13200000000
          },
          "rules": [
            {
              "match": "mlp",
              "rank": 32,
              "bits": 4,
              "lock": true
            }
          ],
          "overrides": {
            "a.weight": {
              "rank": {
                "energy": 0.9
              }
            }
          }
        }

        """)
    }

    /// Targets may be written for people: "13.2B" parameters, "8GB" or "8GiB" bytes.
    func testTargetsAcceptCountsWithUnits() throws {
        func target(_ json: String) throws -> BudgetTarget? {
            try PlanDocument(parsing: Array("{\"format\": \"rankscope-plan\", \"version\": 1, \"target\": \(json)}".utf8), file: "p.json").target
        }
        XCTAssertEqual(try target("{\"parameters\": \"13.2B\"}"), .parameters(13_200_000_000))
        XCTAssertEqual(try target("{\"bytes\": \"8GB\"}"), .bytes(8_000_000_000))
        XCTAssertEqual(try target("{\"bytes\": \"8 GiB\"}"), .bytes(8 * 1_073_741_824))
        XCTAssertEqual(try target("{\"bytes\": 1234}"), .bytes(1234))
        XCTAssertEqual(try target("{\"relative_error\": 0.05}"), .relativeError(0.05))
        XCTAssertEqual(try target("{\"bits_per_weight\": 4.5}"), .bitsPerWeight(4.5))
    }

    func testQuantityUnitsAreDecimalSIAndBinaryIEC() {
        XCTAssertEqual(QuantityParser.parameterCount("13.2B"), 13_200_000_000)
        XCTAssertEqual(QuantityParser.parameterCount("500m"), 500_000_000)
        XCTAssertEqual(QuantityParser.parameterCount("7000"), 7000)
        XCTAssertEqual(QuantityParser.parameterCount("1.5T"), 1_500_000_000_000)
        XCTAssertEqual(QuantityParser.byteCount("8GB"), 8_000_000_000)
        XCTAssertEqual(QuantityParser.byteCount("8G"), 8_000_000_000)
        XCTAssertEqual(QuantityParser.byteCount("1KiB"), 1024)
        XCTAssertEqual(QuantityParser.byteCount("1.5 MiB"), 1_572_864)
        XCTAssertEqual(QuantityParser.byteCount("2TiB"), 2 * 1_099_511_627_776)
        XCTAssertEqual(QuantityParser.byteCount("300"), 300)
        for bad in ["", "GB", "1.2.3G", "12 apples", "-5G", "1e9"] {
            XCTAssertNil(QuantityParser.byteCount(bad), bad)
        }
        XCTAssertNil(QuantityParser.parameterCount("8GiB"), "binary units are for bytes only")
    }
}
