import Foundation
import PythonOracle
import XCTest
@testable import Tokenizers

/// The real tokenizer.json files of the test models against Python `tokenizers`.
final class RealTokenizerTests: XCTestCase {
    /// all-MiniLM-L6-v2: BertNormalizer, BertPreTokenizer, WordPiece, TemplateProcessing.
    func testMiniLMWordPieceMatchesPython() throws {
        let file = try TokenizerOracle.folder(TestModels.miniLM).appendingPathComponent("tokenizer.json")
        try TokenizerOracle.assertAgrees(file, tokens: ["[CLS]", "[SEP]", "[PAD]", "the", "##ing", "not-a-token"])
    }

    /// SmolLM2: Digits + ByteLevel pre-tokenizer, byte-level BPE, 17 special tokens.
    func testSmolLM2ByteLevelBPEMatchesPython() throws {
        let file = try TokenizerOracle.folder(TestModels.smolLM2).appendingPathComponent("tokenizer.json")
        try TokenizerOracle.assertAgrees(file, tokens: ["<|im_start|>", "<|endoftext|>", "Ġthe", "hello", "not-a-token"])
    }

    /// Byte-level text round-trips exactly through encode and decode.
    func testSmolLM2RoundTripsText() throws {
        let file = try TokenizerOracle.folder(TestModels.smolLM2).appendingPathComponent("tokenizer.json")
        let tokenizer = try Tokenizer(contentsOf: file)
        for text in try TokenizerOracle.texts() {
            XCTAssertEqual(tokenizer.decode(tokenizer.encode(text), skipSpecialTokens: false), text)
        }
    }

    /// One tokenizer shared by several threads gives each the same ids as alone.
    func testConcurrentEncodingAgrees() throws {
        let file = try TokenizerOracle.folder(TestModels.smolLM2).appendingPathComponent("tokenizer.json")
        let tokenizer = try Tokenizer(contentsOf: file)
        let texts = try TokenizerOracle.texts()
        let expected = texts.map { tokenizer.encode($0) }
        let lock = NSLock()
        var results: [Int: [[Int]]] = [:]
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            let ids = texts.map { tokenizer.encode($0) }
            lock.lock()
            results[worker] = ids
            lock.unlock()
        }
        for worker in 0..<4 { XCTAssertEqual(results[worker], expected, "worker \(worker)") }
    }
}
