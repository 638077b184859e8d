import Foundation
import Planning
import XCTest

/// Every problem a plan file can have is one sentence starting `FILE:LINE:`.
final class PlanFileErrorTests: XCTestCase {
    /// Parses `lines` (line numbers are 1-based: `lines[0]` is line 1) and returns the error.
    private func parseError(_ lines: [String], file: StaticString = #filePath, line: UInt = #line) -> PlanFileError? {
        do {
            _ = try PlanDocument(parsing: Array(lines.joined(separator: "\n").utf8), file: "p.json")
            XCTFail("the plan was accepted", file: file, line: line)
            return nil
        } catch let error as PlanFileError {
            return error
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
            return nil
        }
    }

    private func assertError(_ lines: [String], line expectedLine: Int, contains fragments: [String],
                             file: StaticString = #filePath, line: UInt = #line) {
        guard let error = parseError(lines, file: file, line: line) else { return }
        XCTAssertEqual(error.line, expectedLine, error.description, file: file, line: line)
        XCTAssertTrue(error.description.hasPrefix("p.json:\(expectedLine): "), error.description, file: file, line: line)
        XCTAssertTrue(error.description.hasSuffix("."), error.description, file: file, line: line)
        XCTAssertEqual(error.description.filter { $0 == "\n" }.count, 0, file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(error.description.contains(fragment), "\(error.description) lacks \(fragment)", file: file, line: line)
        }
    }

    private let head = ["{", "  \"format\": \"rankscope-plan\",", "  \"version\": 1,"]

    func testUnknownKeysAreNamedWithTheirLine() {
        assertError(head + ["  \"rulez\": []", "}"], line: 4, contains: ["unknown key \"rulez\"", "the plan"])
        assertError(head + ["  \"rules\": [", "    {\"match\": \"mlp\",", "     \"rnak\": 4}", "  ]", "}"],
                    line: 6, contains: ["unknown key \"rnak\"", "rule 1", "rank"])
        assertError(head + ["  \"overrides\": {", "    \"x.weight\": {", "      \"bitz\": 4", "    }", "  }", "}"],
                    line: 6, contains: ["unknown key \"bitz\"", "x.weight"])
        assertError(head + ["  \"defaults\": {\"factor_bits\": 4,", "   \"groupsize\": 4}", "}"], line: 5, contains: ["\"groupsize\""])
    }

    func testWrongTypes() {
        assertError(head + ["  \"rules\": [", "    {\"match\": \"mlp\", \"bits\": \"4\"}", "  ]", "}"],
                    line: 5, contains: ["\"bits\" in rule 1 must be an integer, not a string"])
        assertError(head + ["  \"rules\": {}", "}"], line: 4, contains: ["\"rules\"", "must be an array, not an object"])
        assertError(head + ["  \"rules\": [", "    {\"match\": 3}", "  ]", "}"], line: 5, contains: ["\"match\"", "a string"])
        assertError(head + ["  \"rules\": [", "    {\"match\": \"a\", \"lock\": 1}", "  ]", "}"], line: 5, contains: ["true or false"])
        assertError(head + ["  \"rules\": [", "    {\"match\": \"a\", \"rank\": 0.5}", "  ]", "}"],
                    line: 5, contains: ["\"rank\"", "{\"fraction\": f}"])
        assertError(head + ["  \"rules\": [", "    \"mlp\"", "  ]", "}"], line: 4, contains: ["rule 1 must be an object"])
        assertError(head + ["  \"overrides\": {", "    \"x.weight\": 12", "  }", "}"], line: 5, contains: ["must be an object, not a number"])
    }

    func testVersionAndFormat() {
        assertError(["{", "  \"format\": \"rankscope-plan\",", "", "  \"version\": 2", "}"], line: 4,
                    contains: ["version 2 is not supported", "version 1"])
        assertError(["{", "  \"format\": \"other\",", "  \"version\": 1", "}"], line: 2, contains: ["not a rankscope plan"])
        assertError(["[1, 2]"], line: 1, contains: ["must be a JSON object"])
        assertError(head + ["  \"rules\": [,]", "}"], line: 4, contains: ["not valid JSON"])
        assertError(head + ["  \"rules\": [],", "  \"rules\": []", "}"], line: 5, contains: ["not valid JSON", "rules"])
    }

    func testRegularExpressionThatDoesNotCompile() {
        assertError(head + ["  \"rules\": [", "    {\"match\": \"mlp\", \"rank\": 4},", "    {\"match\": \"(up|gate\", \"rank\": 4}", "  ]", "}"],
                    line: 6, contains: ["rule 2", "(up|gate", "not a valid regular expression"])
    }

    func testUnsupportedBitsAndBadValues() {
        assertError(head + ["  \"rules\": [", "    {\"match\": \"a\",", "     \"bits\": 5}", "  ]", "}"],
                    line: 6, contains: ["5 bits", "not supported", "16, 8, 4, 3 or 2"])
        assertError(head + ["  \"defaults\": {", "    \"backbone_bits\": 8", "  }", "}"], line: 5, contains: ["8 backbone bits", "2, 3 or 4"])
        assertError(head + ["  \"defaults\": {", "    \"objective\": \"l1\"", "  }", "}"], line: 5, contains: ["\"l1\"", "\"relative\"", "\"squared-error\""])
        assertError(head + ["  \"defaults\": {", "    \"min_rank\": \"50%x\"", "  }", "}"], line: 5, contains: ["\"50%x\"", "min_rank", "\"50%u\""])
        assertError(head + ["  \"defaults\": {", "    \"min_rank\": -2", "  }", "}"], line: 5, contains: ["-2", "min_rank"])
        assertError(head + ["  \"overrides\": {", "    \"x.weight\": {\"keep_dense\": true,", "      \"dense_bits\": 6}", "  }", "}"],
                    line: 6, contains: ["6 bits", "dense_bits"])
        assertError(head + ["  \"rules\": [", "    {\"match\": \"a\", \"rank\": {\"energy\": 1.5}}", "  ]", "}"], line: 5, contains: ["outside 0…1"])
        assertError(head + ["  \"rules\": [", "    {\"match\": \"a\", \"rank\": -3}", "  ]", "}"], line: 5, contains: ["negative"])
        assertError(head + ["  \"rules\": [", "    {\"match\": \"a\", \"group_size\": 0}", "  ]", "}"], line: 5, contains: ["group_size", "1 or more"])
        assertError(head + ["  \"rules\": [", "    {\"match\": \"a\", \"rank\": 3,", "     \"exclude\": true}", "  ]", "}"],
                    line: 6, contains: ["both rank and exclude"])
        assertError(head + ["  \"rules\": [", "    {\"match\": \"a\", \"allow_bits\": [16, 6]}", "  ]", "}"],
                    line: 5, contains: ["6 in \"allow_bits\" of rule 1 is not a supported bit width"])
        assertError(head + ["  \"rules\": [", "    {\"match\": \"a\", \"allow_bits\": []}", "  ]", "}"], line: 5, contains: ["\"allow_bits\" in rule 1 is empty"])
        assertError(head + ["  \"target\": {\"parameters\": \"lots\"}", "}"], line: 4, contains: ["not a positive whole count"])
        assertError(head + ["  \"target\": {\"parameters\": 5, \"bytes\": 6}", "}"], line: 4, contains: ["exactly one of"])
    }

    func testMissingFile() {
        XCTAssertThrowsError(try PlanDocument.load(path: "/nonexistent/plan.json")) { error in
            XCTAssertEqual((error as? PlanFileError)?.description, "/nonexistent/plan.json: no such file.")
        }
    }

    // MARK: resolve-time errors name the rule or override's line

    private let tensors = [
        PlannedTensor(name: "model.layers.0.mlp.up_proj.weight", block: 0, role: "mlp.up_proj", shape: [64, 16]),
        PlannedTensor(name: "model.layers.0.self_attn.q_proj.weight", block: 0, role: "attn.q_proj", shape: [16, 16]),
        PlannedTensor(name: "model.norm.weight", role: "norm", kind: .norm, shape: [16]),
    ]

    private func resolveError(_ lines: [String], file: StaticString = #filePath, line: UInt = #line) throws -> PlanFileError? {
        let plan = try PlanDocument(parsing: Array(lines.joined(separator: "\n").utf8), file: "p.json")
        do {
            _ = try plan.resolve(tensors: tensors)
            XCTFail("the plan resolved", file: file, line: line)
            return nil
        } catch let error as PlanFileError {
            return error
        }
    }

    func testUnknownLayerAndNonMatrixOverrides() throws {
        let unknown = try resolveError(head + ["  \"overrides\": {", "    \"model.layers.0.mlp.up_proj.weight\": {\"rank\": 2},",
                                               "    \"model.layers.9.mlp.up_proj.weight\": {\"rank\": 2}", "  }", "}"])
        XCTAssertEqual(unknown?.description, "p.json:6: unknown layer model.layers.9.mlp.up_proj.weight: the checkpoint has no tensor of that name.")
        let norm = try resolveError(head + ["  \"overrides\": {", "    \"model.norm.weight\": {\"rank\": 2}", "  }", "}"])
        XCTAssertEqual(norm?.line, 5)
        XCTAssertTrue(norm?.description.contains("not a compressible matrix") ?? false, norm?.description ?? "")
    }

    func testRankAboveFullRankNamesTheRuleOrOverride() throws {
        // 20 fits the 64×16 matrix? No: its full rank is 16. The rule matches both matrices.
        let rule = try resolveError(head + ["  \"rules\": [", "    {\"match\": \"mlp\", \"rank\": 8},", "    {\"match\": \"layers\", \"rank\": 20}", "  ]", "}"])
        XCTAssertEqual(rule?.line, 6)
        XCTAssertTrue(rule?.description.hasPrefix("p.json:6: rule 2: model.layers.0.mlp.up_proj.weight: rank 20 is above the full rank 16") ?? false,
                      rule?.description ?? "")
        let override = try resolveError(head + ["  \"rules\": [{\"match\": \"q_proj\", \"rank\": 8}],", "  \"overrides\": {",
                                                "    \"model.layers.0.self_attn.q_proj.weight\": {\"rank\": 17}", "  }", "}"])
        XCTAssertEqual(override?.line, 6)
        XCTAssertTrue(override?.description.contains("override: model.layers.0.self_attn.q_proj.weight: rank 17 is above the full rank 16") ?? false,
                      override?.description ?? "")
        let floor = try resolveError(head + ["  \"rules\": [", "    {\"match\": \"q_proj\", \"floor\": 99}", "  ]", "}"])
        XCTAssertEqual(floor?.line, 5)
    }

    func testEnergyRuleWithoutSpectrumNamesItsLine() throws {
        let error = try resolveError(head + ["  \"rules\": [", "", "    {\"match\": \"q_proj\", \"rank\": {\"energy\": 0.9}}", "  ]", "}"])
        XCTAssertEqual(error?.line, 6)
        XCTAssertTrue(error?.description.contains("not computed yet") ?? false, error?.description ?? "")
    }
}
