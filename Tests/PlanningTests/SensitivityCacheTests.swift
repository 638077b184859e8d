import Foundation
import Planning
import SafeTensors
import XCTest

/// The sensitivity cache's key changes with the checkpoint's files, the text, the statistics and
/// the probes, and a profile is only served under its own key.
final class SensitivityCacheTests: XCTestCase {
    func key(_ path: String, text: String = "hello world", statistics: String? = nil, fractions: [Double] = [0.5]) throws -> String {
        SensitivityCache.key(checkpoint: try Checkpoint(path: path), text: Data(text.utf8), statisticsFingerprint: statistics,
                             seqLen: 8, maxTokens: 64, rankFractions: fractions, bits: [])
    }

    func testKeyChangesWithCheckpointTextStatisticsAndProbes() throws {
        let folder = try Fixtures.temporaryDirectory()
        let path = folder + "/model.safetensors"
        try Fixtures.writeF32([("layer.weight", [4, 3], Fixtures.gaussian(rows: 4, columns: 3, seed: 1))], to: path)
        let first = try key(path)
        XCTAssertEqual(try key(path), first)
        XCTAssertNotEqual(try key(path, text: "hello world!"), first)
        XCTAssertNotEqual(try key(path, statistics: "1-2-3-abc"), first)
        XCTAssertNotEqual(try key(path, statistics: "1-2-3-abd"), try key(path, statistics: "1-2-3-abc"))
        XCTAssertNotEqual(try key(path, fractions: [0.5, 0.25]), first)
        // The same bytes written again (a new modification time and inode) is another checkpoint to the cache.
        usleep(20_000)
        try Fixtures.writeF32([("layer.weight", [4, 3], Fixtures.gaussian(rows: 4, columns: 3, seed: 2))], to: path)
        XCTAssertNotEqual(try key(path), first)
    }

    func testAProfileIsServedOnlyUnderItsKeyAndPartialsResume() throws {
        let cache = SensitivityCache(directory: try Fixtures.temporaryDirectory() + "/cache")
        let settings = SensitivityProfile.Settings(checkpoint: "m", text: "t", seqLen: 8, maxTokens: 16, tokens: 16, statistics: nil,
                                                   truncation: .svd, rankFractions: [0.5], bits: [], key: "key-a")
        let profile = SensitivityProfile(metric: .nextTokenLoss, originalLoss: 1, seconds: 2, settings: settings, unused: [], matrices: [])
        XCTAssertNil(cache.profile(forKey: "key-a"))
        try cache.storePartial(profile)
        XCTAssertEqual(cache.partial(forKey: "key-a"), profile)
        XCTAssertNil(cache.profile(forKey: "key-a"))
        try cache.store(profile)
        XCTAssertEqual(cache.profile(forKey: "key-a"), profile)
        XCTAssertNil(cache.partial(forKey: "key-a"), "storing the finished profile drops the partial one")
        XCTAssertNil(cache.profile(forKey: "key-b"))
        // A file under another key's name (copied, or a hash collision) is not served.
        try FileManager.default.copyItem(atPath: cache.path(forKey: "key-a"), toPath: cache.path(forKey: "key-b"))
        XCTAssertNil(cache.profile(forKey: "key-b"))
    }

    func testProbesAreReusedAcrossRanksAndBitsButNotAcrossMeasurements() throws {
        let folder = try Fixtures.temporaryDirectory()
        let path = folder + "/model.safetensors"
        try Fixtures.writeF32([("layer.weight", [4, 3], Fixtures.gaussian(rows: 4, columns: 3, seed: 1))], to: path)
        let cache = SensitivityCache(directory: folder + "/cache")
        func profile(_ key: String, fractions: [Double], ranks: [Int], loss: Double) -> SensitivityProfile {
            let settings = SensitivityProfile.Settings(checkpoint: path, text: "t", seqLen: 8, maxTokens: 64, tokens: 64, statistics: nil,
                                                       truncation: .svd, rankFractions: fractions, bits: [], key: key)
            let points = ranks.map { SensitivityProfile.Point(rank: $0, factorBits: 16, tailEnergy: 0.1, loss: loss, lossIncrease: loss - 1) }
            return SensitivityProfile(metric: .nextTokenLoss, originalLoss: 1, seconds: 2, settings: settings, unused: [],
                                      matrices: [.init(name: "layer.weight", rows: 4, columns: 3, points: points)],
                                      joint: fractions.map { .init(rankFraction: $0, factorBits: 16, loss: loss, lossIncrease: loss - 1) })
        }
        let half = try key(path, fractions: [0.5]), wider = try key(path, fractions: [0.5, 0.25])
        XCTAssertEqual(SensitivityCache.measurementKey(half), SensitivityCache.measurementKey(wider))
        XCTAssertEqual(cache.reusableProbes(forKey: wider), .init(), "an empty cache has nothing")
        try cache.store(profile(half, fractions: [0.5], ranks: [2], loss: 1.5))
        // A partial run of a third rank set counts too; the finished profile's file name sorts first here or not, but a
        // probe both hold is taken once.
        try cache.storePartial(profile(try key(path, fractions: [0.25, 0.5]), fractions: [], ranks: [1, 2], loss: 1.5))
        let reused = cache.reusableProbes(forKey: wider)
        XCTAssertEqual(reused.points["layer.weight"]?.map(\.rank).sorted(), [1, 2])
        XCTAssertEqual(reused.point(of: "layer.weight", rank: 2, factorBits: 16)?.loss, 1.5)
        XCTAssertNil(reused.point(of: "layer.weight", rank: 2, factorBits: 8), "another bit width is another probe")
        XCTAssertEqual(reused.joint(fraction: 0.5, factorBits: 16)?.lossIncrease, 0.5)
        XCTAssertNil(reused.joint(fraction: 0.25, factorBits: 16))
        // Another text, other statistics or another checkpoint file: nothing is reused.
        XCTAssertEqual(cache.reusableProbes(forKey: try key(path, text: "other", fractions: [0.5, 0.25])), .init())
        XCTAssertEqual(cache.reusableProbes(forKey: try key(path, statistics: "1-2-3-abc", fractions: [0.5, 0.25])), .init())
        // A file under another key's name is ignored, as for serving.
        try FileManager.default.moveItem(atPath: cache.path(forKey: half), toPath: cache.path(forKey: "elsewhere"))
        XCTAssertNil(cache.reusableProbes(forKey: wider).joint(fraction: 0.5, factorBits: 16))
        usleep(20_000)
        try Fixtures.writeF32([("layer.weight", [4, 3], Fixtures.gaussian(rows: 4, columns: 3, seed: 2))], to: path)
        XCTAssertEqual(cache.reusableProbes(forKey: try key(path, fractions: [0.5, 0.25])), .init(), "a rewritten checkpoint is another measurement")
    }
}
