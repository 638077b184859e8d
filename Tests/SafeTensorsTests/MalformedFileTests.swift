import Foundation
import XCTest
@testable import SafeTensors

final class MalformedFileTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = try makeTemporaryFolder("malformed")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Writes a file from a header text and data, and asserts the error opening it.
    private func check(
        _ name: String, header: String, data: [UInt8] = [], line: UInt = #line,
        _ matches: (SafeTensorsError.Problem) -> Bool
    ) throws {
        let path = try writeFile(fileImage(header: header, data: data), folder, name)
        assertProblem(try SafeTensorsFile(path: path), file: path, matches, line: line)
    }

    private func entry(_ dtype: String, _ shape: [Int], _ begin: Int, _ end: Int) -> String {
        "{\"dtype\":\"\(dtype)\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(begin),\(end)]}"
    }

    func testMissingPath() {
        let path = folder + "/nope.safetensors"
        assertProblem(try SafeTensorsFile(path: path), file: path) { $0 == .noSuchFile }
        assertProblem(try Checkpoint(path: path), file: path) { $0 == .noSuchFile }
        XCTAssertTrue(SafeTensorsError(file: path, problem: .noSuchFile).description.contains("no such file"))
    }

    func testDirectory() throws {
        let sub = folder + "/dir.safetensors"
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: false)
        assertProblem(try SafeTensorsFile(path: sub), file: sub) { $0 == .isDirectory }
    }

    func testEmptyAndShortFiles() throws {
        let empty = try writeFile([], folder, "empty.safetensors")
        assertProblem(try SafeTensorsFile(path: empty), file: empty) { $0 == .emptyFile }
        let short = try writeFile([1, 2, 3], folder, "short.safetensors")
        assertProblem(try SafeTensorsFile(path: short), file: short) { $0 == .fileTooShort(size: 3) }
    }

    func testHeaderLengthBeyondFile() throws {
        let beyond = try writeFile(lengthPrefix(200) + Array("{}".utf8), folder, "beyond.safetensors")
        assertProblem(try SafeTensorsFile(path: beyond), file: beyond) { $0 == .headerBeyondFile(headerLength: 200, fileSize: 10) }

        let huge = try writeFile(lengthPrefix(1 << 63) + [UInt8](repeating: 0x20, count: 112), folder, "huge.safetensors")
        assertProblem(try SafeTensorsFile(path: huge), file: huge) { $0 == .headerBeyondFile(headerLength: 1 << 63, fileSize: 120) }
        do {
            _ = try SafeTensorsFile(path: huge)
            XCTFail("opened a file whose header length is 2^63")
        } catch {
            XCTAssertEqual("\(error)", "\(huge): header length 9223372036854775808 is beyond the file size of 120 bytes.")
        }
    }

    func testHeaderOver100MBDeclared() throws {
        // A sparse file big enough to hold the declared header, so only the size limit applies.
        let path = folder + "/toolarge.safetensors"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(lengthPrefix(100_000_001) + Array("{}".utf8))))
        XCTAssertEqual(truncate(path, 100_000_200), 0)
        assertProblem(try SafeTensorsFile(path: path), file: path) { $0 == .headerTooLarge(headerLength: 100_000_001) }
    }

    func testHeaderNotJSON() throws {
        try check("notjson.safetensors", header: "{\"a\": ") {
            if case .headerNotJSON(let detail) = $0 { return detail.contains("line 1, column 7") }
            return false
        }
        try check("nul-padding.safetensors", header: "{}\0\0\0\0\0\0") {
            if case .headerNotJSON = $0 { return true }
            return false
        }
    }

    func testHeaderNotObject() throws {
        try check("array.safetensors", header: "[1, 2]") { $0 == .headerNotObject(found: "an array") }
        try check("leading-space.safetensors", header: " {}     ") { $0 == .headerStartsWithoutBrace }
    }

    func testInvalidUTF8() throws {
        let header = Array("{\"a".utf8) + [0xFF, 0xFE] + Array("\":{}}".utf8)
        let path = try writeFile(lengthPrefix(UInt64(header.count)) + header, folder, "utf8.safetensors")
        assertProblem(try SafeTensorsFile(path: path), file: path) { $0 == .headerInvalidUTF8(offset: 3) }
    }

    func testDuplicateKeys() throws {
        try check("dup.safetensors", header: "{\"w\":\(entry("U8", [1], 0, 1)),\n\"w\":\(entry("U8", [1], 0, 1))}", data: [7]) {
            if case .duplicateKey(let name, let position) = $0 { return name == "w" && position.line == 2 }
            return false
        }
    }

    func testNegativeOffsets() throws {
        try check("neg.safetensors", header: "{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[-1,0]}}", data: [0]) {
            $0 == .negativeOffset(tensor: "w", value: "-1")
        }
    }

    func testReversedOffsets() throws {
        try check("reversed.safetensors", header: "{\"w\":\(entry("U8", [0], 4, 0))}", data: [0, 0, 0, 0]) {
            $0 == .reversedOffsets(tensor: "w", begin: 4, end: 0)
        }
    }

    func testNonIntegerOffsets() throws {
        try check("float.safetensors", header: "{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1.0]}}", data: [0]) {
            $0 == .malformedOffsets(tensor: "w")
        }
        try check("three.safetensors", header: "{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1,2]}}", data: [0]) {
            $0 == .malformedOffsets(tensor: "w")
        }
    }

    func testGapBetweenTensors() throws {
        try check("gap.safetensors", header: "{\"a\":\(entry("F32", [1], 0, 4)),\"b\":\(entry("F32", [1], 8, 12))}", data: .init(repeating: 0, count: 12)) {
            $0 == .gap(previous: "a", tensor: "b", expectedBegin: 4, begin: 8)
        }
        try check("gap-first.safetensors", header: "{\"a\":\(entry("F32", [1], 4, 8))}", data: .init(repeating: 0, count: 8)) {
            $0 == .gap(previous: nil, tensor: "a", expectedBegin: 0, begin: 4)
        }
    }

    func testOverlap() throws {
        try check("overlap.safetensors", header: "{\"b\":\(entry("F32", [2], 4, 12)),\"a\":\(entry("F32", [2], 0, 8))}", data: .init(repeating: 0, count: 12)) {
            $0 == .overlap(previous: "a", tensor: "b", previousEnd: 8, begin: 4)
        }
    }

    func testLastEndMustEqualBufferLength() throws {
        try check("trailing.safetensors", header: "{\"a\":\(entry("F32", [1], 0, 4))}", data: .init(repeating: 0, count: 6)) {
            $0 == .bufferLengthMismatch(dataEnd: 4, bufferLength: 6)
        }
        try check("short-data.safetensors", header: "{\"a\":\(entry("F32", [2], 0, 8))}", data: .init(repeating: 0, count: 6)) {
            $0 == .offsetBeyondBuffer(tensor: "a", end: "8", bufferLength: 6)
        }
    }

    func testShapeProductOverflow() throws {
        try check("overflow.safetensors", header: "{\"a\":\(entry("F32", [1 << 32, 1 << 32], 0, 0))}") {
            $0 == .shapeOverflow(tensor: "a")
        }
        // Element count fits, byte count (× 8) does not.
        try check("overflow2.safetensors", header: "{\"a\":\(entry("F64", [1 << 31, 1 << 31], 0, 0))}") {
            $0 == .shapeOverflow(tensor: "a")
        }
    }

    func testShapeByteSizeMismatch() throws {
        try check("mismatch.safetensors", header: "{\"a\":\(entry("F32", [2, 3], 0, 20))}", data: .init(repeating: 0, count: 20)) {
            $0 == .byteSizeMismatch(tensor: "a", shape: [2, 3], dtype: .F32, expected: 24, actual: 20)
        }
        try check("negshape.safetensors", header: "{\"a\":\(entry("F32", [-1], 0, 0))}") {
            if case .invalidShape(let tensor, let detail) = $0 { return tensor == "a" && detail.contains("negative") }
            return false
        }
    }

    func testUnknownDType() throws {
        try check("dtype.safetensors", header: "{\"a\":\(entry("F128", [1], 0, 16))}", data: .init(repeating: 0, count: 16)) {
            $0 == .unknownDType(tensor: "a", dtype: "F128")
        }
        try check("subbyte.safetensors", header: "{\"a\":\(entry("F4", [2], 0, 1))}", data: [0]) {
            $0 == .unknownDType(tensor: "a", dtype: "F4")
        }
    }

    func testMissingFieldsAndBadMetadata() throws {
        try check("nodtype.safetensors", header: "{\"a\":{\"shape\":[1],\"data_offsets\":[0,1]}}", data: [0]) {
            $0 == .missingField(tensor: "a", field: "dtype")
        }
        try check("notobject.safetensors", header: "{\"a\":[1]}") { $0 == .tensorEntryNotObject(tensor: "a") }
        try check("meta.safetensors", header: "{\"__metadata__\":{\"k\":1}}") {
            if case .invalidMetadata(let detail) = $0 { return detail.contains("\"k\"") }
            return false
        }
    }

    func testTensorFromAnotherFileIsRejected() throws {
        let a = try writeFile(fileImage(header: "{\"w\":\(entry("U8", [2], 0, 2))}", data: [1, 2]), folder, "a.safetensors")
        let b = try writeFile(fileImage(header: "{\"w\":\(entry("U8", [1], 0, 1))}", data: [1]), folder, "b.safetensors")
        let fileA = try SafeTensorsFile(path: a)
        let fileB = try SafeTensorsFile(path: b)
        assertProblem(try fileB.withBytes(of: fileA.tensors[0]) { $0.count }, file: b) { $0 == .tensorNotInFile(tensor: "w") }
    }
}
