import Foundation
import PythonOracle
import XCTest

/// `rankscope eval --events`: the JSON-lines protocol the explorer's measure key reads, one line
/// per event and the same figures `--json` reports, and a failure as a `failed` line.
final class EvalEventsTests: XCTestCase {
    private func lines(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { try XCTUnwrap(try Harness.json(String($0)) as? [String: Any], String($0)) }
    }

    func testEventsCarryProgressAndTheFiguresOfTheJSONReport() throws {
        try EvalFixture.with { fixture in
            let model = fixture.model("gpt2"), plan = fixture.folder + "/plan.json"
            let planned = try Harness.rankscope(["plan", model, "--target-params", "90%", "--out", plan], cacheHome: fixture.cache)
            XCTAssertEqual(planned.status, 0, planned.stderr)
            let common = ["eval", model, "--text", fixture.text, "--seq-len", "16", "--max-tokens", "100", "--plan", plan]
            let json = try Harness.rankscope(common + ["--json"], cacheHome: fixture.cache)
            XCTAssertEqual(json.status, 0, json.stderr)
            let report = try XCTUnwrap(try Harness.json(json.stdout) as? [String: Any])
            let events = try Harness.rankscope(common + ["--events"], cacheHome: fixture.cache)
            XCTAssertEqual(events.status, 0, events.stderr)
            let parsed = try lines(events.stdout)
            let names = parsed.map { $0["event"] as? String ?? "?" }
            XCTAssertEqual(Array(names.prefix(2)), ["started", "compressing"])
            XCTAssertEqual(names.last, "finished")
            // One `compressing` line per layer the plan changes, counting up, then the passes.
            let layers = parsed.dropFirst(2).prefix { $0["event"] as? String == "compressing" }
            XCTAssertFalse(layers.isEmpty, "\(names)")
            XCTAssertEqual(layers.map { $0["completed"] as? Int ?? -1 }, Array(1...layers.count))
            XCTAssertTrue(layers.allSatisfy { $0["total"] as? Int == layers.count }, "\(layers)")
            XCTAssertEqual(Set(names.dropFirst(2 + layers.count).dropLast()), ["progress"], "\(names)")
            XCTAssertEqual(parsed[0]["metric"] as? String, "perplexity")
            XCTAssertEqual(parsed[0]["candidate"] as? String, "plan " + plan)
            let progress = parsed.filter { $0["event"] as? String == "progress" }
            // The windows go in batches: each model's count rises to all 6 windows, the original first.
            for model in ["original", "candidate"] {
                let counts = progress.filter { $0["model"] as? String == model }.map { $0["completed"] as? Int ?? -1 }
                XCTAssertEqual(counts.last, 6, model)
                XCTAssertEqual(counts, counts.sorted(), model)
                XCTAssertTrue(progress.filter { $0["model"] as? String == model }.allSatisfy { $0["total"] as? Int == 6 })
            }
            XCTAssertEqual(progress.first?["model"] as? String, "original")
            XCTAssertEqual(progress.last?["model"] as? String, "candidate")
            let finished = try XCTUnwrap(parsed.last)
            let original = try XCTUnwrap(report["original"] as? [String: Any]), candidate = try XCTUnwrap(report["candidate"] as? [String: Any])
            // Both runs are deterministic: the same windows, the same plan, the same figures.
            XCTAssertEqual(finished["original"] as? Double, original["perplexity"] as? Double)
            XCTAssertEqual(finished["candidate"] as? Double, candidate["perplexity"] as? Double)
            XCTAssertNotEqual(finished["candidate"] as? Double, finished["original"] as? Double, "the plan changes the model")
            XCTAssertEqual(finished["candidate_linear_parameters"] as? Int, candidate["linear_parameters"] as? Int)
            XCTAssertEqual(finished["linear_parameters"] as? Int, original["linear_parameters"] as? Int)

            let missing = try Harness.rankscope(["eval", model, "--text", fixture.folder + "/absent.txt", "--plan", plan, "--events"],
                                                cacheHome: fixture.cache)
            XCTAssertEqual(missing.status, 1)
            let failed = try lines(missing.stdout)
            XCTAssertEqual(failed.count, 1, missing.stdout)
            XCTAssertEqual(failed[0]["event"] as? String, "failed")
            XCTAssertTrue((failed[0]["message"] as? String ?? "").contains("absent.txt"), missing.stdout)

            let both = try Harness.rankscope(["eval", model, "--text", fixture.text, "--events", "--json"], cacheHome: fixture.cache)
            XCTAssertNotEqual(both.status, 0)
            XCTAssertTrue(both.stderr.contains("Give at most one of --json and --events."), both.stderr)
        }
    }
}
