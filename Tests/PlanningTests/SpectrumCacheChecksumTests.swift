import Foundation
import Planning
import SafeTensors
import XCTest

/// Issue 21, class 5: a spectrum cache file with one flipped data byte is not served; the values
/// are recomputed (and the file rewritten) instead.
final class SpectrumCacheChecksumTests: XCTestCase {
    func testAFlippedByteInACacheFileIsNotServed() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let model = directory + "/model.safetensors"
        try Fixtures.writeF32([("w", [2, 2], [1, 2, 3, 4])], to: model)
        let file = try SafeTensorsFile(path: model)
        let cache = SpectrumCache(directory: directory + "/cache")
        cache.store([5.4649857042190426, 0.36596619062625746], of: "w", in: file)
        try cache.flush()
        XCTAssertEqual(SpectrumCache(directory: directory + "/cache").singularValues(of: "w", in: file), [5.4649857042190426, 0.36596619062625746])

        let path = cache.cachePath(forRealPath: SpectrumCacheChecksumTests.realPath(model))
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count - 3] ^= 0x10  // inside the last double
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        XCTAssertNil(SpectrumCache(directory: directory + "/cache").singularValues(of: "w", in: file), "a damaged cache file is ignored")
    }

    private static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
