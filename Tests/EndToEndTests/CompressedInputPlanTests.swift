import Foundation
import XCTest

/// Issue 21, class 8: `plan` on a rankscope-compressed folder lists the quantization `scales` and
/// `zeros` tensors as stored, not as matrices, so the plan it writes is one `compress` accepts.
final class CompressedInputPlanTests: CompressTestCase {
    override func writeFixture() throws {
        try CompressFixture.writeCheckpoint(input)
        try CompressFixture.writePlan(plan, extra: #", {"match": "o_proj", "rank": 8, "bits": 4}"#)
    }

    func testPlanOnACompressedFolderSkipsQuantizationTensors() throws {
        let cache = directory + "/cache"
        let first = try Harness.rankscope(CompressFixture.arguments(input, plan, output), cacheHome: cache)
        XCTAssertEqual(first.status, 0, first.stderr)
        let listing = try Harness.rankscope(["inspect", output, "--json"], cacheHome: cache)
        XCTAssertTrue(listing.stdout.contains(".scales"), "the output holds quantized factors: \(listing.stdout.prefix(400))")

        let again = directory + "/again.json"
        let planned = try Harness.rankscope(["plan", output, "--plan", plan, "--out", again, "--json"], cacheHome: cache)
        XCTAssertEqual(planned.status, 0, planned.stderr)
        let report = try XCTUnwrap(Harness.json(planned.stdout) as? [String: Any])
        let text = String(describing: report)
        XCTAssertFalse(try String(contentsOfFile: again, encoding: .utf8).contains(".scales"), "no choice for a scales tensor")
        XCTAssertFalse(text.isEmpty)
        let second = try Harness.rankscope(CompressFixture.arguments(output, again, directory + "/second"), cacheHome: cache)
        XCTAssertEqual(second.status, 0, "compress accepts the plan written for a compressed folder: \(second.stderr)")
    }
}
