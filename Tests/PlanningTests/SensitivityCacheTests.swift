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
}
