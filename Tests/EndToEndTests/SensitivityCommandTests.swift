import Foundation
import Planning
import PythonOracle
import XCTest

/// `rankscope sensitivity` on all-MiniLM-L6-v2 over a few sentences: the profile it writes, the
/// cache serving it again, and a changed text measured anew.
final class SensitivityCommandTests: XCTestCase {
    func testProfileIsWrittenCachedAndRemeasuredWhenTheTextChanges() throws {
        let model: URL, texts: URL
        do {
            (model, texts) = (try TestModels.folder(TestModels.miniLM), try TestModels.folder(TestModels.texts))
        } catch let unavailable as TestModels.Unavailable {
            throw XCTSkip(unavailable.description)
        }
        let folder = NSTemporaryDirectory() + "rankscope-sensitivity-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let lines = try String(contentsOf: texts.appendingPathComponent("sentences.txt"), encoding: .utf8).split(separator: "\n")
        let text = folder + "/sentences.txt"
        try lines.prefix(3).joined(separator: "\n").write(toFile: text, atomically: true, encoding: .utf8)
        let out = folder + "/profile.json", cache = folder + "/cache"
        let arguments = ["sensitivity", model.path, "--text", text, "--out", out, "--ranks", "0.25"]

        let first = try Harness.rankscope(arguments, cacheHome: cache)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("sensitivity of 36 matrices") && first.stdout.contains("37 probes"), first.stdout)
        let profile = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        XCTAssertEqual(profile["format"] as? String, "rankscope-sensitivity")
        XCTAssertEqual(profile["metric"] as? String, "one_minus_embedding_cosine")
        XCTAssertEqual(profile["unused"] as? [String], ["pooler.dense.weight"])
        let matrices = try XCTUnwrap(profile["matrices"] as? [[String: Any]])
        XCTAssertEqual(matrices.count, 36)
        let points = matrices.compactMap { ($0["points"] as? [[String: Any]])?.first }
        XCTAssertEqual(points.count, 36)
        XCTAssertTrue(points.allSatisfy { ($0["rank"] as? Int) == 96 && (($0["loss_increase"] as? Double) ?? -1) > 0 }, "\(points)")

        // The joint probe: every matrix at rank 96 at once, measured below the sum of the matrices alone.
        let joint = try XCTUnwrap((profile["joint"] as? [[String: Any]])?.first)
        XCTAssertEqual(joint["rank_fraction"] as? Double, 0.25)
        let together = try XCTUnwrap(joint["loss_increase"] as? Double)
        let sum = points.reduce(0) { $0 + ($1["loss_increase"] as! Double) }
        XCTAssertGreaterThan(together, 0)
        XCTAssertNotEqual(together, sum, accuracy: 1e-3)

        // The plan of the joint probe's ranks: the prediction adds the shrunk increases (ProbeShrinkage)
        // and maps them by the rule calibrated by the joint probe; eval on the same text measures the joint cosine.
        let read = try SensitivityProfile.load(path: out)
        XCTAssertTrue(read.hasStandardErrors)
        let shrunk = ProbeShrinkage.increases(of: read).values.map { $0[0] }
        let shrunkSum = shrunk.reduce(0, +)
        let combined = QualityPrediction.combination(read).combine(shrunk)
        XCTAssertGreaterThan(combined, 0)
        let plan = folder + "/plan.json"
        try #"{"format": "rankscope-plan", "version": 1, "rules": [{"match": "^encoder", "rank": 96}]}"#.write(toFile: plan, atomically: true, encoding: .utf8)
        let planned = try Harness.rankscope(["plan", model.path, "--plan", plan, "--sensitivity", out], cacheHome: cache)
        XCTAssertEqual(planned.status, 0, planned.stderr)
        XCTAssertTrue(planned.stdout.contains(String(format: "increases added (%.4f), then ×", shrunkSum)), "\(shrunkSum) " + planned.stdout)
        XCTAssertTrue(planned.stdout.contains(String(format: "embedding cosine to the original %.4f (1 − the matrices' combined increase %.4f)", 1 - combined, combined)),
                      "\(combined) " + planned.stdout)
        let planJSON = try Harness.rankscope(["plan", model.path, "--plan", plan, "--sensitivity", out, "--json"], cacheHome: cache)
        XCTAssertEqual(planJSON.status, 0, planJSON.stderr)
        let predicted = try XCTUnwrap((try Harness.json(planJSON.stdout) as? [String: Any])?["prediction"] as? [String: Any])
        XCTAssertEqual(predicted["metric"] as? String, "one_minus_embedding_cosine")
        let figures = try XCTUnwrap(predicted["plan"] as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(figures["loss_increase"] as? Double), combined, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(figures["additive_loss_increase"] as? Double), shrunkSum, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(figures["embedding_cosine"] as? Double), 1 - combined, accuracy: 1e-6)
        XCTAssertNil(predicted["uniform"] as? [String: Any], "no target, no uniform plan")
        // At the probes' own rank nothing is extrapolated, and the noise is the probes' standard errors added in squares.
        XCTAssertEqual(figures["extrapolated"] as? [String], [])
        // The probes' noise scaled by the combination's ratio at the joint probe's sum, and the joint probe's own standard error.
        let probes = read.matrices.reduce(0) { $0 + pow($1.points[0].lossIncreaseStandardError!, 2) }.squareRoot()
        let jointError = try XCTUnwrap(read.joint?.first?.lossIncreaseStandardError)
        let noise = ((combined / shrunkSum * probes) * (combined / shrunkSum * probes) + jointError * jointError).squareRoot()
        XCTAssertEqual(try XCTUnwrap(figures["loss_increase_standard_error"] as? Double), noise, accuracy: 1e-9)
        let cosines = try XCTUnwrap(figures["embedding_cosine_range"] as? [Double])
        XCTAssertEqual(cosines[0], 1 - combined - 2 * noise, accuracy: 1e-6)
        XCTAssertEqual(cosines[1], 1 - max(0, combined - 2 * noise), accuracy: 1e-6)
        XCTAssertNil(figures["perplexity_range"])
        let evaluated = try Harness.rankscope(["eval", model.path, "--text", text, "--plan", plan, "--sensitivity", out], cacheHome: cache)
        XCTAssertEqual(evaluated.status, 0, evaluated.stderr)
        XCTAssertTrue(evaluated.stdout.contains(String(format: "predicted mean embedding cosine %.4f, measured %.4f", 1 - combined, 1 - together)), evaluated.stdout)
        let stranger = try Harness.rankscope(["plan", try TestModels.folder(TestModels.smolLM2).path, "--sensitivity", out], cacheHome: cache)
        XCTAssertEqual(stranger.status, 1)
        XCTAssertTrue(stranger.stderr.contains("was measured on another checkpoint"), stranger.stderr)

        let again = try Harness.rankscope(arguments, cacheHome: cache)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("from the cache"), again.stdout)
        let served = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        XCTAssertEqual(served as NSDictionary, profile as NSDictionary)

        // An interrupted run's partial profile is resumed: the matrices it holds are not measured again.
        let cacheFolder = cache + "/rankscope"
        let cached = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: cacheFolder).first { $0.hasPrefix("sensitivity-") && $0.hasSuffix(".json") })
        var partial = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: cacheFolder + "/" + cached))) as? [String: Any])
        var kept = matrices.prefix(6).map { $0 }
        kept[0]["points"] = [["rank": 96, "factor_bits": 16, "tail_energy": 0.5, "loss": 0.125, "loss_increase": 0.125]]
        partial["matrices"] = kept
        try JSONSerialization.data(withJSONObject: partial).write(to: URL(fileURLWithPath: cacheFolder + "/" + cached.replacingOccurrences(of: ".json", with: ".partial.json")))
        try FileManager.default.removeItem(atPath: cacheFolder + "/" + cached)
        let resumed = try Harness.rankscope(arguments, cacheHome: cache)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("resuming: 6 of 36 matrices"), resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("37 probes"), resumed.stdout)
        let completed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        let resumedMatrices = try XCTUnwrap(completed["matrices"] as? [[String: Any]])
        XCTAssertEqual(resumedMatrices.count, 36)
        XCTAssertEqual((resumedMatrices[0]["points"] as? [[String: Any]])?.first?["loss"] as? Double, 0.125, "kept from the partial profile")
        XCTAssertEqual(resumedMatrices.compactMap { $0["name"] as? String }, matrices.compactMap { $0["name"] as? String })
        for (again, first) in zip(resumedMatrices[1...], matrices[1...]) {
            let (a, b) = (((again["points"] as? [[String: Any]])?.first?["loss"] as? Double) ?? -1, ((first["points"] as? [[String: Any]])?.first?["loss"] as? Double) ?? -2)
            XCTAssertEqual(a, b, accuracy: 1e-6 * abs(b), again["name"] as? String ?? "")
        }
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: cacheFolder).contains { $0.hasSuffix(".partial.json") })

        // A profile cached before joint probes existed keeps its matrices and gains them.
        var older = completed
        older["joint"] = nil
        try JSONSerialization.data(withJSONObject: older).write(to: URL(fileURLWithPath: cacheFolder + "/" + cached))
        let upgraded = try Harness.rankscope(arguments, cacheHome: cache)
        XCTAssertEqual(upgraded.status, 0, upgraded.stderr)
        XCTAssertTrue(upgraded.stderr.contains("has no joint probes"), upgraded.stderr)
        let gained = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        XCTAssertEqual((gained["matrices"] as? [[String: Any]])?.count, 36)
        XCTAssertEqual(((gained["joint"] as? [[String: Any]])?.first?["loss_increase"] as? Double) ?? -1, together, accuracy: 1e-6 * together)

        // Another --ranks takes the probes it shares with the cached profile as they are (the faked
        // one included) and measures only the new rank's, and its joint probe.
        let widened = try Harness.rankscope(Array(arguments.dropLast()) + ["0.25,0.5"], cacheHome: cache)
        XCTAssertEqual(widened.status, 0, widened.stderr)
        XCTAssertTrue(widened.stderr.contains("reusing 37 of 74 probes"), widened.stderr)
        let both = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        let bothMatrices = try XCTUnwrap(both["matrices"] as? [[String: Any]])
        XCTAssertEqual(bothMatrices.count, 36)
        let firstPoints = try XCTUnwrap(bothMatrices[0]["points"] as? [[String: Any]])
        XCTAssertEqual(firstPoints.compactMap { $0["rank"] as? Int }, [96, 192])
        XCTAssertEqual(firstPoints[0]["loss"] as? Double, 0.125, "reused, not measured again")
        XCTAssertGreaterThan(try XCTUnwrap(firstPoints[1]["loss_increase"] as? Double), 0)
        let bothJoint = try XCTUnwrap(both["joint"] as? [[String: Any]])
        XCTAssertEqual(bothJoint.compactMap { $0["rank_fraction"] as? Double }, [0.25, 0.5])
        XCTAssertEqual(try XCTUnwrap(bothJoint[0]["loss_increase"] as? Double), together, accuracy: 1e-6 * together)
        XCTAssertLessThan(try XCTUnwrap(bothJoint[1]["loss_increase"] as? Double), together, "keeping half the rank loses less than keeping a quarter")

        try lines.prefix(4).joined(separator: "\n").write(toFile: text, atomically: true, encoding: .utf8)
        let changed = try Harness.rankscope(arguments, cacheHome: cache)
        XCTAssertEqual(changed.status, 0, changed.stderr)
        XCTAssertFalse(changed.stdout.contains("from the cache"), changed.stdout)
        XCTAssertFalse(changed.stderr.contains("reusing"), "probes of another text are not reused: " + changed.stderr)
        XCTAssertTrue(changed.stdout.contains("37 probes"), changed.stdout)

        let bad = try Harness.rankscope(["sensitivity", model.path, "--text", text, "--out", out, "--ranks", "0.5,1.5"], cacheHome: cache)
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("--ranks '0.5,1.5' must list fractions"), bad.stderr)
    }
}
