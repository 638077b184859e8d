import Foundation
import XCTest

/// Issue 21, classes 1 and 2: no command writes over what it reads. `merge` refuses an output
/// folder that is, holds or lies inside a part; `plan --out` and `spectra --csv` refuse a file of
/// the checkpoint (directly, through a symbolic or a hard link) or the statistics file.
final class OutputGuardTests: CompressTestCase {
    private var cache: String { directory + "/cache" }

    private func parts() throws -> [String] {
        let parts = (0..<2).map { directory + "/part\($0)" }
        for (index, part) in parts.enumerated() {
            let outcome = try Harness.rankscope(CompressFixture.arguments(input, plan, part, ["--shard", "\(index)/2"]), cacheHome: cache)
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
        }
        return parts
    }

    func testMergeRefusesAnOutputThatIsInsideOrHoldsAPart() throws {
        let parts = try parts()
        let before = try CompressFixture.contents(of: parts[0], includingHidden: true)
        XCTAssertFalse(before.isEmpty)
        for (output, extra) in [(parts[0], ["--force"]), (parts[0] + "/inner", []), (parts[1] + "/../part0/", ["--force"]),
                                (directory, ["--force"])] {
            var arguments = CompressFixture.arguments(input, plan, output, extra) + parts
            arguments[0] = "merge"
            let outcome = try Harness.rankscope(arguments, cacheHome: cache)
            XCTAssertEqual(outcome.status, 1, "\(output): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains("would overwrite the input"), outcome.stderr)
            assertOneLine(outcome.stderr)
        }
        XCTAssertEqual(try CompressFixture.contents(of: parts[0], includingHidden: true), before, "the part is untouched")
    }

    func testCompressRefusesAnOutputFolderHoldingThePlan() throws {
        let plans = directory + "/plans"
        try FileManager.default.createDirectory(atPath: plans, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: plan, toPath: plans + "/plan.json")
        let outcome = try Harness.rankscope(CompressFixture.arguments(input, plans + "/plan.json", plans, ["--force"]), cacheHome: cache)
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("would overwrite the input"), outcome.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: plans + "/plan.json"), "--force did not delete the plan")
    }

    func testPlanAndSpectraRefuseToWriteOverTheCheckpoint() throws {
        let shard = input + "/model-00001-of-00002.safetensors"
        try FileManager.default.createSymbolicLink(atPath: directory + "/link.safetensors", withDestinationPath: shard)
        XCTAssertEqual(link(input + "/config.json", directory + "/hard.json"), 0)
        let before = try CompressFixture.contents(of: input)
        let targets = [shard, input + "/model.safetensors.index.json", input + "/config.json", directory + "/link.safetensors",
                       directory + "/hard.json", input + "/./model-00002-of-00002.safetensors"]
        for target in targets {
            for arguments in [["plan", input, "--plan", plan, "--out", target], ["spectra", input, "--csv", target]] {
                let outcome = try Harness.rankscope(arguments, cacheHome: cache)
                XCTAssertEqual(outcome.status, 1, "\(arguments): \(outcome.stderr)")
                XCTAssertTrue(outcome.stderr.contains("never overwrites"), outcome.stderr)
                assertOneLine(outcome.stderr)
            }
        }
        XCTAssertEqual(try CompressFixture.contents(of: input), before, "the checkpoint is untouched")
        let fine = try Harness.rankscope(["plan", input, "--plan", plan, "--out", input + "/rankscope-plan.json"], cacheHome: cache)
        XCTAssertEqual(fine.status, 0, "a new file beside the checkpoint is fine: \(fine.stderr)")
    }

    private func assertOneLine(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(text.split(separator: "\n").count, 1, text, file: file, line: line)
        XCTAssertFalse(text.contains("Fatal error"), text, file: file, line: line)
    }
}

/// Issue 21, class 16: `--resume` refused on a finished output leaves no stray lock file there.
final class RefusedResumeTests: CompressTestCase {
    func testARefusedResumeLeavesNoLockFile() throws {
        let cache = directory + "/cache"
        let first = try Harness.rankscope(CompressFixture.arguments(input, plan, output), cacheHome: cache)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output + "/.rankscope.lock"))
        let resumed = try Harness.rankscope(CompressFixture.arguments(input, plan, output, ["--resume"]), cacheHome: cache)
        XCTAssertEqual(resumed.status, 1, resumed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output + "/.rankscope.lock"), "no stray lock file")
    }
}
