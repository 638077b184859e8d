import Foundation
import XCTest
@testable import SafeTensors

/// A fresh temporary folder, removed by `tearDown` of the test case that made it.
func makeTemporaryFolder(_ label: String = "st") throws -> String {
    let path = NSTemporaryDirectory() + "rankscope-\(label)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The 8-byte little-endian prefix for a header of `length` bytes.
func lengthPrefix(_ length: UInt64) -> [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) }
}

/// A safetensors file image: prefix, header text (as given, unpadded) and data bytes.
func fileImage(header: String, data: [UInt8] = []) -> [UInt8] {
    let headerBytes = Array(header.utf8)
    return lengthPrefix(UInt64(headerBytes.count)) + headerBytes + data
}

/// Writes `bytes` to `folder/name` and returns the path.
@discardableResult
func writeFile(_ bytes: [UInt8], _ folder: String, _ name: String) throws -> String {
    let path = folder + "/" + name
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

/// Deterministic pseudo-random bytes (a 64-bit LCG), for test data.
func pseudoRandomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return UInt8(truncatingIfNeeded: state >> 33)
    }
}

/// Lower-case hex of bytes, as Python's `bytes.hex()` writes it.
func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef")
    var out = ""
    out.reserveCapacity(bytes.count * 2)
    for b in bytes {
        out.append(digits[Int(b >> 4)])
        out.append(digits[Int(b & 0xF)])
    }
    return out
}

/// Asserts that `body` throws a ``SafeTensorsError`` whose problem satisfies `matches`, whose
/// file is `expectedFile`, and whose description is one sentence naming that file.
func assertProblem<T>(
    _ body: @autoclosure () throws -> T, file expectedFile: String, _ matches: (SafeTensorsError.Problem) -> Bool,
    sourceFile: StaticString = #filePath, line: UInt = #line
) {
    do {
        _ = try body()
        XCTFail("expected an error about \(expectedFile)", file: sourceFile, line: line)
    } catch let error as SafeTensorsError {
        XCTAssertTrue(matches(error.problem), "unexpected problem: \(error)", file: sourceFile, line: line)
        XCTAssertEqual(error.file, expectedFile, file: sourceFile, line: line)
        let text = error.description
        XCTAssertTrue(text.hasPrefix(expectedFile + ": "), "description must start with the file: \(text)", file: sourceFile, line: line)
        XCTAssertTrue(text.hasSuffix("."), "description must be a sentence: \(text)", file: sourceFile, line: line)
        XCTAssertFalse(text.contains("\n"), "description must be one line: \(text)", file: sourceFile, line: line)
        XCTAssertFalse(text.dropLast().hasSuffix("."), "no double period: \(text)", file: sourceFile, line: line)
    } catch {
        XCTFail("expected SafeTensorsError, got \(error)", file: sourceFile, line: line)
    }
}
