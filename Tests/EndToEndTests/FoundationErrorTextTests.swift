import Foundation
import XCTest

/// Issue 21, class 16: Foundation's raw error texts (`NSCocoaErrorDomain Code=…`) never reach a
/// user; the system's reason does.
final class FoundationErrorTextTests: CompressTestCase {
    func testAnUnwritableCacheSaysWhyInWords() throws {
        let notAFolder = directory + "/file"
        try "x".write(toFile: notAFolder, atomically: true, encoding: .utf8)
        let outcome = try Harness.rankscope(["spectra", input], cacheHome: notAFolder)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("the spectrum cache could not be written (Not a directory)"), outcome.stderr)
        XCTAssertFalse(outcome.stderr.contains("Domain="), outcome.stderr)
    }
}
