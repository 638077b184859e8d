import FuzzTargets
import Foundation
import GGUF
import XCTest

/// The GGUF cases of the committed malformed corpus (`Tests/Corpus/malformed/gguf-*.gguf`,
/// patched by `make_corpus.py` from a file `gguf.GGUFWriter` writes): each is refused by
/// ``GGUFModel`` (the file, then its llama mapping) with one sentence naming the file and holding the words `EXPECTED` lists, and
/// the fuzz target reads each without a crash, accepting the valid seed.
final class MalformedGGUFTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Corpus").path

    func testEveryGGUFCaseIsRefusedWithItsOwnSentence() throws {
        let listing = try String(contentsOfFile: Self.corpus + "/malformed/EXPECTED", encoding: .utf8)
        let cases = listing.split(separator: "\n").map { $0.split(separator: "\t", maxSplits: 1).map(String.init) }
            .filter { $0[0].hasSuffix(".gguf") }
        XCTAssertGreaterThanOrEqual(cases.count, 20)
        var messages = Set<String>()
        for fields in cases {
            let path = Self.corpus + "/malformed/" + fields[0]
            do {
                _ = try GGUFModel(path: path)
                XCTFail("\(fields[0]) was accepted")
            } catch let error as GGUFError {
                let text = error.description
                XCTAssertTrue(text.hasPrefix(path + ": "), text)
                XCTAssertTrue(text.contains(fields[1]), "\(fields[0]): \(text) lacks '\(fields[1])'")
                XCTAssertFalse(text.dropLast().contains("\n"), text)
                XCTAssertTrue(text.hasSuffix("."), text)
                messages.insert(String(text.dropFirst(path.count)))
            }
        }
        XCTAssertEqual(messages.count, cases.count, "each case has its own message")
    }

    func testTheFuzzTargetReadsTheGGUFSeedsAndCases() throws {
        let valid = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.corpus + "/seeds/gguf-valid.gguf")))
        let outcome = ParserFuzzTarget.exercise(valid)
        XCTAssertFalse(outcome.messages.contains { $0.hasPrefix(ParserFuzzTarget.fileName + ": ") && $0.contains("GGUF") },
                       "\(outcome.messages)")
        let parsed = try valid.withUnsafeBytes { try GGUFHeader.parse(fileImage: $0, file: "valid.gguf") }
        XCTAssertEqual(parsed.tensors.map(\.name), ["a", "b"])
        let seeds = try FileManager.default.contentsOfDirectory(atPath: Self.corpus + "/seeds").filter { $0.hasSuffix(".gguf") }
        XCTAssertGreaterThan(seeds.count, 20)
        for name in seeds {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.corpus + "/seeds/" + name)))
            let result = ParserFuzzTarget.exercise(bytes)
            XCTAssertTrue(result.messages.allSatisfy { $0.hasPrefix(ParserFuzzTarget.fileName + ":") }, name)
            // Every prefix of the valid file is refused or read, never a crash.
            if name == "gguf-valid.gguf" {
                for end in stride(from: 0, to: bytes.count, by: 7) { ParserFuzzTarget.exercise(Array(bytes[..<end])) }
            }
        }
    }
}
