import Foundation
import SafeTensors
import XCTest

final class AtomicFileTests: XCTestCase {
    func testWritesWholeFileAndLeavesNoTemporary() throws {
        let directory = NSTemporaryDirectory() + "rankscope-atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/out.csv"
        try AtomicFile.write(Data("first\n".utf8), to: path)
        try AtomicFile.write(Data("second\n".utf8), to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["out.csv"])
    }

    func testFailureNamesTheFile() {
        let path = "/nonexistent-\(UUID().uuidString)/out.csv"
        XCTAssertThrowsError(try AtomicFile.write(Data("x".utf8), to: path)) { error in
            XCTAssertTrue(String(describing: error).hasPrefix(path + ": cannot write the file"), "\(error)")
        }
    }
}
