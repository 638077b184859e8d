import Foundation
import PythonOracle
import StrictJSON
import XCTest
@testable import Tokenizers

/// Each normalizer and pre-tokenizer alone, on the mixed text, against Python's
/// `normalize_str` / `pre_tokenize_str` (pieces are compared, not only the ids they lead to,
/// so a split that BPE would happen to hide still shows).
final class ComponentTests: XCTestCase {
    static let llama3 = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let qwen2 = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    static let preTokenizers: [String] = [
        #"{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true}"#,
        #"{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true}"#,
        #"{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false}"#,
        #"{"type": "Split", "pattern": {"Regex": \#(JSONWriter.quoted(llama3))}, "behavior": "Isolated", "invert": false}"#,
        #"{"type": "Split", "pattern": {"Regex": \#(JSONWriter.quoted(qwen2))}, "behavior": "Isolated", "invert": false}"#,
        #"{"type": "Split", "pattern": {"String": " "}, "behavior": "Removed", "invert": false}"#,
        #"{"type": "Split", "pattern": {"String": "e"}, "behavior": "MergedWithPrevious", "invert": false}"#,
        #"{"type": "Split", "pattern": {"Regex": "\\s+"}, "behavior": "MergedWithNext", "invert": false}"#,
        #"{"type": "Split", "pattern": {"Regex": "\\w+"}, "behavior": "Contiguous", "invert": true}"#,
        #"{"type": "Digits", "individual_digits": true}"#,
        #"{"type": "Digits", "individual_digits": false}"#,
        #"{"type": "BertPreTokenizer"}"#,
        #"{"type": "Whitespace"}"#,
        #"{"type": "WhitespaceSplit"}"#,
        #"{"type": "Punctuation", "behavior": "Contiguous"}"#,
        #"{"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": true}"#,
        #"{"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": false}"#,
        #"{"type": "Sequence", "pretokenizers": [{"type": "Digits", "individual_digits": true}, {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true}]}"#,
    ]

    static let normalizers: [String] = [
        #"{"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true}"#,
        #"{"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": false, "strip_accents": false, "lowercase": false}"#,
        #"{"type": "BertNormalizer", "clean_text": false, "handle_chinese_chars": true, "strip_accents": true, "lowercase": false}"#,
        #"{"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"}, {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]}"#,
        #"{"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}"#,
        #"{"type": "NFC"}"#, #"{"type": "NFD"}"#, #"{"type": "NFKC"}"#, #"{"type": "NFKD"}"#,
        #"{"type": "Lowercase"}"#,
        #"{"type": "Strip", "strip_left": true, "strip_right": true}"#,
        #"{"type": "Sequence", "normalizers": [{"type": "NFD"}, {"type": "StripAccents"}]}"#,
    ]

    /// Python's pieces (or normalized text) for each component, on each text.
    static func python(kind: String, _ components: [String], _ texts: [String]) throws -> JSONValue {
        try TemporaryFolder.with("components") { folder in
            let input = folder.appendingPathComponent("input.json")
            let payload = JSONValue.object(JSONObject([("components", .array(components.map { .string($0) })),
                                                       ("texts", .array(texts.map { .string($0) }))]))
            try Data(JSONWriter.bytes(payload)).write(to: input)
            return try JSONParser.parse(try PythonOracle.run("""
                import json, sys
                from tokenizers import Tokenizer
                payload = json.load(open(sys.argv[2], encoding="utf-8"))
                out = []
                for component in payload["components"]:
                    doc = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": [],
                           "normalizer": None, "pre_tokenizer": None, "post_processor": None, "decoder": None,
                           "model": {"type": "WordLevel", "vocab": {"a": 0}, "unk_token": "a"}}
                    doc[sys.argv[1]] = json.loads(component)
                    tok = Tokenizer.from_str(json.dumps(doc))
                    if sys.argv[1] == "normalizer":
                        out.append([tok.normalizer.normalize_str(t) for t in payload["texts"]])
                    else:
                        out.append([[p for p, _ in tok.pre_tokenizer.pre_tokenize_str(t)] for t in payload["texts"]])
                print(json.dumps(out))
                """, [kind, input.path]))
        }
    }

    static let texts = [TokenizerOracle.mixedText] + TokenizerOracle.mixedText.split(separator: "\n").map(String.init)
        + TokenizerOracle.edgeTexts + TokenizerOracle.randomTexts()

    func testPreTokenizersSplitAsPython() throws {
        let expected = try Self.python(kind: "pre_tokenizer", Self.preTokenizers, Self.texts).arrayValue ?? []
        XCTAssertEqual(expected.count, Self.preTokenizers.count)
        let reader = TokenizerFileReader(file: "test")
        for (json, perText) in zip(Self.preTokenizers, expected) {
            let preTokenizer = try PreTokenizer(json: try JSONParser.parse(json), reader: reader, path: "pre_tokenizer")
            for (text, pieces) in zip(Self.texts, perText.arrayValue ?? []) {
                // An empty text has no piece to start from (the tokenizer never pre-tokenizes one).
                let start = text.isEmpty ? [] : [TextPiece(scalars: ScalarText.scalars(text), atStart: true)]
                let swift = preTokenizer.apply(start).map { ScalarText.string($0.scalars) }
                let python = pieces.arrayValue?.compactMap(\.stringValue) ?? []
                if text.count > 100 { XCTAssertFalse(python.isEmpty, "python made no pieces of \(String(text.prefix(30)).debugDescription)") }
                if !swift.elementsEqual(python, by: { $0.unicodeScalars.elementsEqual($1.unicodeScalars) }) {
                    let first = Array(zip(swift, python)).firstIndex { !$0.0.unicodeScalars.elementsEqual($0.1.unicodeScalars) } ?? min(swift.count, python.count)
                    XCTFail("\(json) on \(text.debugDescription): piece \(first) differs: swift \(swift.dropFirst(first).prefix(4)) python \(python.dropFirst(first).prefix(4))")
                }
            }
        }
    }

    func testNormalizersRewriteAsPython() throws {
        let expected = try Self.python(kind: "normalizer", Self.normalizers, Self.texts).arrayValue ?? []
        XCTAssertEqual(expected.count, Self.normalizers.count)
        let reader = TokenizerFileReader(file: "test")
        for (json, perText) in zip(Self.normalizers, expected) {
            let normalizer = try Normalizer(json: try JSONParser.parse(json), reader: reader, path: "normalizer")
            for (text, normalized) in zip(Self.texts, perText.arrayValue ?? []) {
                let swift = normalizer.apply(ScalarText.scalars(text))
                let python = ScalarText.scalars(normalized.stringValue ?? "<missing>")
                XCTAssertEqual(swift, python, "\(json) on \(String(text.prefix(30)).debugDescription)")
            }
        }
    }
}
