import Foundation
import XCTest

/// Every file of the committed malformed corpus (`Tests/Corpus/malformed`, listed with the words
/// its message must hold in `EXPECTED`) gets one sentence naming it and exit status 1, from
/// both `inspect` and `spectra`; so does a header of just over 100 MB, made here as a sparse file.
final class MalformedCorpusTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws { directory = try Harness.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Corpus/malformed").path

    func testEveryCorpusCaseGivesItsOwnSentence() throws {
        let listing = try String(contentsOfFile: Self.corpus + "/EXPECTED", encoding: .utf8)
        let cases = listing.split(separator: "\n").map { $0.split(separator: "\t", maxSplits: 1).map(String.init) }
        XCTAssertGreaterThanOrEqual(cases.count, 20, "the corpus lists its cases")
        var messages = Set<String>()
        for fields in cases {
            XCTAssertEqual(fields.count, 2, "EXPECTED line \(fields)")
            let path = Self.corpus + "/" + fields[0]
            XCTAssertTrue(FileManager.default.fileExists(atPath: path), "corpus file \(fields[0])")
            try assertOneSentence(cacheHome: directory + "/cache", [path], naming: fields[0], mentions: fields[1])
            let outcome = try Harness.rankscope(["inspect", path], cacheHome: directory + "/cache")
            messages.insert(outcome.stderr.replacingOccurrences(of: path, with: ""))
        }
        XCTAssertEqual(messages.count, cases.count, "each case has its own message")
    }

    func testHeaderOverOneHundredMegabytesIsRefusedWithoutReadingIt() throws {
        let path = directory + "/huge-header.safetensors"
        let declared = 100_000_001
        var prefix = UInt64(declared).littleEndian
        FileManager.default.createFile(atPath: path, contents: withUnsafeBytes(of: &prefix) { Data($0) })
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(8 + declared))
        try handle.close()
        try assertOneSentence(cacheHome: directory + "/cache", [path], naming: "huge-header.safetensors", mentions: "100000001")
    }
}
