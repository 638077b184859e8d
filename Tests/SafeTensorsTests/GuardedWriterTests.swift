import Foundation
import SafeTensors
import XCTest

/// ``GuardedWriter``: a protected file is refused by its own name, a link, or a hard link; an
/// output folder is refused when it is, holds or lies inside a protected folder.
final class GuardedWriterTests: XCTestCase {
    func testProtectedFilesAndFoldersAreRefused() throws {
        let directory = NSTemporaryDirectory() + "rankscope-guard-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/part", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let stats = directory + "/stats.safetensors"
        try Data("statistics".utf8).write(to: URL(fileURLWithPath: stats))
        XCTAssertEqual(link(stats, directory + "/hard"), 0)
        var writer = GuardedWriter()
        writer.protect(file: stats)
        writer.protect(folder: directory + "/part")
        for path in [stats, directory + "/hard", directory + "/../" + (directory as NSString).lastPathComponent + "/stats.safetensors",
                     directory + "/part/new.json"] {
            XCTAssertThrowsError(try writer.write(Data("x".utf8), to: path), path) { error in
                XCTAssertTrue(String(describing: error).hasPrefix(path + ": "), "\(error)")
            }
        }
        XCTAssertEqual(try String(contentsOfFile: stats, encoding: .utf8), "statistics")
        for folder in [directory, directory + "/part", directory + "/part/inner"] {
            XCTAssertThrowsError(try writer.check(folder: folder), folder)
        }
        XCTAssertNoThrow(try writer.check(folder: directory + "/other"))
        try writer.write(Data("plan".utf8), to: directory + "/plan.json")
        XCTAssertEqual(try String(contentsOfFile: directory + "/plan.json", encoding: .utf8), "plan")
    }
}
