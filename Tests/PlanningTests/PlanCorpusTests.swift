import Foundation
import Planning
import XCTest

/// Every hostile plan of the committed corpus (`Tests/Corpus/plans`, listed with the words its
/// message must hold in `EXPECTED`, written by `make_plan_corpus.py`) is read and applied to a
/// small llama-shaped checkpoint within seconds, ending in one sentence naming the file (or, for
/// a plan that is merely useless, a warning); so is a plan file over 16 MiB, made here as a
/// sparse file and refused before it is read.
final class PlanCorpusTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Corpus/plans").path

    private let tensors: [PlannedTensor] = (0..<4).flatMap { block in
        ["self_attn.q_proj", "self_attn.k_proj", "mlp.up_proj", "mlp.down_proj"].map {
            PlannedTensor(name: "model.layers.\(block).\($0).weight", block: block, role: $0, shape: [64, 64])
        }
    }

    func testEveryCorpusPlanGivesItsSentenceQuickly() throws {
        let listing = try String(contentsOfFile: Self.corpus + "/EXPECTED", encoding: .utf8)
        let cases = listing.split(separator: "\n").map { $0.split(separator: "\t", maxSplits: 1).map(String.init) }
        XCTAssertGreaterThanOrEqual(cases.count, 10, "the corpus lists its cases")
        for fields in cases {
            XCTAssertEqual(fields.count, 2, "EXPECTED line \(fields)")
            let path = Self.corpus + "/" + fields[0]
            let start = Date()
            let message: String
            do {
                let resolved = try PlanDocument.load(path: path).resolve(tensors: tensors)
                message = resolved.warnings.joined(separator: " ")
            } catch let error as PlanFileError {
                message = error.description
                XCTAssertTrue(message.hasPrefix(path + ":"), message)
                XCTAssertFalse(message.contains("\n"), message)
            }
            XCTAssertTrue(message.contains(fields[1]), "\(fields[0]): \(message) lacks \(fields[1])")
            XCTAssertLessThan(Date().timeIntervalSince(start), 5, fields[0])
        }
    }

    func testAPlanOverSixteenMebibytesIsRefusedUnread() throws {
        let directory = NSTemporaryDirectory() + "/plan-corpus-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/huge.json"
        FileManager.default.createFile(atPath: path, contents: Data("{".utf8))
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 16 << 20 + 1)
        try handle.close()
        XCTAssertThrowsError(try PlanDocument.load(path: path)) { error in
            XCTAssertEqual("\(error)", "\(path): the plan file is 16777217 bytes; at most 16777216 (16 MiB) are read, and a plan needs far less.")
        }
        XCTAssertThrowsError(try PlanDocument(parsing: [UInt8](repeating: 32, count: 16 << 20 + 1), file: "p.json")) { error in
            XCTAssertTrue("\(error)".contains("at most 16777216"), "\(error)")
        }
    }
}
