import Foundation
import XCTest
@testable import Tokenizers

/// Randomly corrupted tokenizer files either load or throw a ``TokenizerError``; none traps,
/// and whatever loads can encode and decode the mixed text.
final class CorruptedFileTests: XCTestCase {
    /// A small file using most components (byte fallback BPE, template, added tokens, decoders).
    static let document = #"""
        {"version": "1.0", "truncation": null, "padding": null,
         "added_tokens": [{"id": 0, "content": "<unk>", "special": true, "normalized": false, "lstrip": false, "rstrip": false, "single_word": false},
                          {"id": 1, "content": "<s>", "special": true, "normalized": false, "lstrip": true, "rstrip": true, "single_word": true}],
         "normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"}, {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
         "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "Digits", "individual_digits": true}, {"type": "Split", "pattern": {"Regex": "\\p{L}+|\\s+"}, "behavior": "Isolated", "invert": false}]},
         "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}], "pair": [], "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
         "decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
         "model": {"type": "BPE", "dropout": null, "unk_token": "<unk>", "continuing_subword_prefix": null, "end_of_word_suffix": null, "fuse_unk": true, "byte_fallback": true, "ignore_merges": false,
                   "vocab": {"<unk>": 0, "<s>": 1, "<0x41>": 2, "<0xE6>": 3, "▁": 4, "a": 5, "b": 6, "▁a": 7, "ab": 8, "▁ab": 9},
                   "merges": ["▁ a", "a b", "▁ ab"]}}
        """#

    func testTheDocumentLoads() throws {
        let tokenizer = try Tokenizer(json: Array(Self.document.utf8), file: "tokenizer.json")
        XCTAssertEqual(tokenizer.vocabularySize, 10)
        XCTAssertFalse(tokenizer.encode(TokenizerOracle.mixedText).isEmpty)
    }

    func testCorruptionsLoadOrThrowOneSentence() {
        let original = Array(Self.document.utf8)
        let alphabet = Array("{}[]\",:0123456789-.eE truefalsnul\\▁ab<>".utf8)
        var state: UInt64 = 12345
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        var loaded = 0, rejected = 0
        for _ in 0..<2000 {
            var bytes = original
            for _ in 0...next(3) {
                let at = next(bytes.count)
                switch next(3) {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(alphabet[next(alphabet.count)], at: at)
                default: bytes[at] = alphabet[next(alphabet.count)]
                }
            }
            do {
                let tokenizer = try Tokenizer(json: bytes, file: "tokenizer.json")
                _ = tokenizer.decode(tokenizer.encode(TokenizerOracle.mixedText), skipSpecialTokens: false)
                loaded += 1
            } catch let error as TokenizerError {
                let message = error.description
                XCTAssertTrue(message.hasPrefix("tokenizer.json") && message.hasSuffix(".") && !message.contains("\n"), message)
                rejected += 1
            } catch {
                XCTFail("not a TokenizerError: \(error)")
            }
        }
        XCTAssertGreaterThan(loaded, 0)
        XCTAssertGreaterThan(rejected, 0)
    }
}
