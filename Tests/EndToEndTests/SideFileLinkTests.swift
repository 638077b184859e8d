import Foundation
import XCTest

/// Issue 21, class 4: a side file that is a symbolic link out of the checkpoint folder is not
/// copied into the output; copied side files keep their permissions.
final class SideFileLinkTests: CompressTestCase {
    func testLinksOutOfTheFolderAreSkippedAndPermissionsKept() throws {
        let secret = directory + "/secret.txt"
        try "private key".write(toFile: secret, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: input + "/notes.txt", withDestinationPath: secret)
        try "inside".write(toFile: input + "/inside.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: input + "/alias.txt", withDestinationPath: "inside.txt")
        XCTAssertEqual(chmod(input + "/tokenizer.json", 0o600), 0)
        let outcome = try Harness.rankscope(CompressFixture.arguments(input, plan, output), cacheHome: directory + "/cache")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output + "/notes.txt"), "a link out of the folder is not followed")
        XCTAssertEqual(try String(contentsOfFile: output + "/alias.txt", encoding: .utf8), "inside", "a link inside is")
        let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: output + "/tokenizer.json")[.posixPermissions] as? Int)
        XCTAssertEqual(mode, 0o600, "the copy keeps its source's permissions")
    }
}
