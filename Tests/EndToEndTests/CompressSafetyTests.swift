import Foundation
import XCTest

/// `rankscope compress` never overwrites what it was not asked to, never lets two jobs write one
/// folder, writes nothing for a bad plan, and leaves no shard under its final name when a write fails.
final class CompressSafetyTests: CompressTestCase {
    private func compress(_ more: [String] = []) throws -> Harness.Outcome {
        try Harness.rankscope(CompressFixture.arguments(input, plan, output, more), cacheHome: directory + "/cache")
    }

    func testAnExistingFolderIsRefusedUnlessForced() throws {
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        try "keep me".write(toFile: output + "/notes.txt", atomically: true, encoding: .utf8)
        let refused = try compress()
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains(output) && refused.stderr.contains("--force"), refused.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: output), ["notes.txt"], "a refused folder is untouched")

        let resumed = try compress(["--resume"])
        XCTAssertEqual(resumed.status, 1, "a folder holding other files is no job to resume")
        XCTAssertTrue(resumed.stderr.contains("no interrupted job"), resumed.stderr)

        let forced = try compress(["--force"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output + "/notes.txt"), "--force replaces the folder")
        XCTAssertTrue(FileManager.default.fileExists(atPath: output + "/model.safetensors.index.json"))
    }

    func testTheOutputFolderCannotBeTheInput() throws {
        let run = try Harness.rankscope(CompressFixture.arguments(input, plan, input, ["--force"]), cacheHome: directory + "/cache")
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("would overwrite the input"), run.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: input + "/model-00001-of-00002.safetensors"))
    }

    func testALockedFolderIsRefused() throws {
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        // Another job holds the folder: an exclusive flock on its lock file, as a running job does.
        let descriptor = open(output + "/.rankscope.lock", O_RDWR | O_CREAT, 0o644)
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        XCTAssertEqual(flock(descriptor, LOCK_EX), 0)
        _ = "4242\n".withCString { write(descriptor, $0, 5) }
        let refused = try compress(["--force"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("another rankscope job (process 4242)"), refused.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: output), [".rankscope.lock"])
        close(descriptor)

        let afterRelease = try compress(["--force"])
        XCTAssertEqual(afterRelease.status, 0, "a lock is released when its holder ends: \(afterRelease.stderr)")
    }

    func testABadLayerNameStopsBeforeWritingAnything() throws {
        let text = """
        {"format": "rankscope-plan", "version": 1,
         "overrides": {"model.layers.7.mlp.up_proj.weight": {"rank": 4}}}
        """
        try text.write(toFile: plan, atomically: true, encoding: .utf8)
        let run = try compress()
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains(plan) && run.stderr.contains("model.layers.7.mlp.up_proj.weight"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output), "nothing is written")

        let events = try compress(["--events"])
        XCTAssertEqual(events.status, 1)
        let lines = events.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, events.stdout)
        let line = try XCTUnwrap(Harness.json(String(lines[0])) as? [String: Any])
        XCTAssertEqual(line["event"] as? String, "failed")
        XCTAssertTrue((line["message"] as? String)?.contains("model.layers.7.mlp.up_proj.weight") == true, "\(line)")
    }

    func testAFailedShardWriteLeavesNoShardAndAResumableJournal() throws {
        // Limit every file this process writes to 40 KiB: each layer's journal file fits, the
        // single 90 KB shard does not, so its write fails (EFBIG) as on a full disk.
        let command = ([Harness.binary] + CompressFixture.arguments(input, plan, output, ["--no-cache"]))
            .map { "'" + $0 + "'" }.joined(separator: " ")
        let failed = try Harness.run("/bin/sh", ["-c", "ulimit -f 80 && exec " + command], environment: [:])
        XCTAssertEqual(failed.status, 1, failed.stderr)
        XCTAssertEqual(failed.stderr.split(separator: "\n").count, 1, failed.stderr)
        XCTAssertTrue(failed.stderr.contains(output + "/model-00001-of-00001.safetensors"), failed.stderr)
        let names = try FileManager.default.contentsOfDirectory(atPath: output)
        XCTAssertFalse(names.contains { $0.hasSuffix(".safetensors") || $0.contains(".partial-") }, "\(names)")
        XCTAssertTrue(names.contains(".rankscope-job"), "the journal stays: \(names)")

        let resumed = try compress(["--resume", "--json"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let layers = try XCTUnwrap((Harness.json(resumed.stdout) as? [String: Any])?["layers"] as? [[String: Any]])
        XCTAssertEqual(layers.filter { $0["resumed"] as? Bool == true }.count, 4, "every layer finished before the failure is reused")
    }
}
