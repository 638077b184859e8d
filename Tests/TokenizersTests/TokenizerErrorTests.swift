import Foundation
import PythonOracle
import XCTest
@testable import Tokenizers

/// Every file the tokenizer cannot use gives one sentence naming the file and the problem.
final class TokenizerErrorTests: XCTestCase {
    /// A small valid WordPiece tokenizer.json with `replacing` members swapped in.
    static func document(_ replacing: [String: String] = [:]) -> String {
        var members: [(String, String)] = [
            ("version", #""1.0""#),
            ("added_tokens", #"[{"id": 0, "content": "[UNK]", "special": true, "normalized": false, "lstrip": false, "rstrip": false, "single_word": false}]"#),
            ("normalizer", #"{"type": "Lowercase"}"#),
            ("pre_tokenizer", #"{"type": "Whitespace"}"#),
            ("model", ###"{"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "vocab": {"[UNK]": 0, "a": 1, "##b": 2}}"###),
            ("post_processor", "null"),
            ("decoder", ###"{"type": "WordPiece", "prefix": "##", "cleanup": true}"###),
        ]
        for (key, value) in replacing {
            if let i = members.firstIndex(where: { $0.0 == key }) { members[i].1 = value } else { members.append((key, value)) }
        }
        return "{\n" + members.map { "  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n}\n"
    }

    /// The message of loading `text` as `tokenizer.json` in a temporary folder, and the file's path.
    func failure(_ text: String) throws -> (message: String, path: String) {
        try TemporaryFolder.with("tokenizer-errors") { folder in
            let file = folder.appendingPathComponent("tokenizer.json")
            try Data(text.utf8).write(to: file)
            do {
                _ = try Tokenizer(contentsOf: file)
                XCTFail("loaded: \(text)")
                return ("", file.path)
            } catch let error as TokenizerError {
                return (error.description, file.path)
            }
        }
    }

    /// Asserts `message` is one sentence on one line that names `path` and holds every phrase.
    func assertSentence(_ message: String, _ path: String, _ phrases: [String], line: UInt = #line) {
        XCTAssertTrue(message.contains(path), "no file name in: \(message)", line: line)
        XCTAssertTrue(message.hasSuffix("."), "not a sentence: \(message)", line: line)
        XCTAssertFalse(message.contains("\n"), "more than one line: \(message)", line: line)
        for phrase in phrases { XCTAssertTrue(message.contains(phrase), "\"\(phrase)\" missing from: \(message)", line: line) }
    }

    func testTheValidDocumentLoads() throws {
        try TemporaryFolder.with("tokenizer-valid") { folder in
            let file = folder.appendingPathComponent("tokenizer.json")
            try Data(Self.document().utf8).write(to: file)
            let tokenizer = try Tokenizer(contentsOf: file)
            XCTAssertEqual(tokenizer.encode("AB a x"), [1, 2, 1, 0])
            XCTAssertEqual(tokenizer.decode([1, 2, 1, 0]), "ab a")
            XCTAssertEqual(tokenizer.vocabularySize, 3)
            XCTAssertEqual(tokenizer.specialTokenIDs, [0])
        }
    }

    func testMissingFileAndFolder() throws {
        try TemporaryFolder.with("tokenizer-missing") { folder in
            let missing = folder.appendingPathComponent("tokenizer.json")
            XCTAssertThrowsError(try Tokenizer(contentsOf: missing)) { error in
                assertSentence("\(error)", missing.path, ["Cannot read tokenizer file", "no such file"])
            }
            XCTAssertThrowsError(try Tokenizer(contentsOf: folder)) { error in
                assertSentence("\(error)", folder.path, ["folder"])
            }
        }
    }

    func testMalformedJSONNamesLineAndColumn() throws {
        let (message, path) = try failure("{\n  \"model\": {\"type\": \"BPE\",,}\n}")
        assertSentence(message, path, ["is not valid JSON at line 2, column 27: unexpected character ','"])
        let (truncated, _) = try failure(String(Self.document().prefix(120)))
        XCTAssertTrue(truncated.contains("is not valid JSON at line"), truncated)
    }

    func testUnsupportedComponentsNameTheirType() throws {
        let cases: [(String, String, String)] = [
            ("normalizer", #"{"type": "Precompiled", "precompiled_charsmap": "AAAA"}"#, "a normalizer of type \"Precompiled\""),
            ("pre_tokenizer", #"{"type": "UnicodeScripts"}"#, "a pre_tokenizer of type \"UnicodeScripts\""),
            ("model", #"{"type": "Unigram", "unk_id": 0, "vocab": [["a", 0.0]]}"#, "a model of type \"Unigram\""),
            ("post_processor", #"{"type": "Blend"}"#, "a post_processor of type \"Blend\""),
            ("decoder", #"{"type": "CTC", "pad_token": "<pad>"}"#, "a decoder of type \"CTC\""),
            ("normalizer", #"{"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Nmt"}]}"#, "a normalizer of type \"Nmt\""),
        ]
        for (key, value, phrase) in cases {
            let (message, path) = try failure(Self.document([key: value]))
            assertSentence(message, path, [phrase, "does not support"])
        }
    }

    func testWrongShapesNameTheField() throws {
        let cases: [(String, String, String)] = [
            ("model", #"{"type": "WordPiece", "unk_token": "[UNK]", "vocab": ["a", "b"]}"#, "model.vocab must be an object but is an array"),
            ("model", #"{"type": "WordPiece", "unk_token": "<oov>", "vocab": {"a": 0}}"#, "model.unk_token is \"<oov>\", which model.vocab lacks"),
            ("model", #"{"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a c"]}"#, "model.merges[0] merges \"c\", which model.vocab lacks"),
            ("model", #"{"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a b"]}"#, "model.merges[0] makes \"ab\", which model.vocab lacks"),
            ("model", #"{"type": "BPE", "vocab": {"a": -1}, "merges": []}"#, "model.vocab[\"a\"] must be a token id (a non-negative integer) but is a number"),
            ("added_tokens", #"[{"content": "[X]"}]"#, "added_tokens[0].id is missing"),
            ("pre_tokenizer", #"{"type": "Split", "pattern": {"Regex": "(unclosed"}, "behavior": "Isolated"}"#, "pre_tokenizer.pattern.Regex is \"(unclosed\", which ICU cannot compile as a regular expression"),
            ("pre_tokenizer", #"{"type": "Split", "pattern": {"String": " "}, "behavior": "Sideways"}"#, "pre_tokenizer.behavior is \"Sideways\""),
            ("model", "42", "model must be an object but is a number"),
            ("model", #"{"vocab": {"a": 0}}"#, "model.type is missing"),
        ]
        for (key, value, phrase) in cases {
            let (message, path) = try failure(Self.document([key: value]))
            assertSentence(message, path, [phrase])
        }
        let (message, path) = try failure("[1, 2]")
        assertSentence(message, path, ["the top level must be an object"])
    }
}
