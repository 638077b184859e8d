import Foundation
import PythonOracle
import StrictJSON
import XCTest
@testable import Tokenizers

/// Python `tokenizers` as the oracle: what it encodes and decodes, and the tokenizers it
/// builds for the styles no package ships.
enum TokenizerOracle {
    /// What Python made of one text.
    struct Encoding {
        let withSpecial: [Int]
        let plain: [Int]
        let decoded: String
        let decodedAll: String
    }

    /// What Python says about a tokenizer and the texts.
    struct Report {
        let vocabularySize: Int
        let specialIDs: Set<Int>
        let encodings: [Encoding]
        let ids: [String: Int?]
    }

    /// Mixed text: code, Unicode (CJK, emoji, accents precomposed and combining, scripts with
    /// spacing marks), whitespace runs, tabs, CR/LF, unusual whitespace, digits, contractions
    /// and the special-token strings of the tokenizers under test.
    static let mixedText = """
        def encode(self, text: str) -> list[int]:\n\treturn [ord(c) for c in text]  # 42 ids\r\n\
        if (x >= 10_000 && y != 0x1F) { printf("%d\\n", x); }   \t  \n\n\n\
        Hello, World! I'm here; you're there, they'll see. DON'T SHOUT, it's 3.14159 o'clock.\n\
        日本語のテキスト、中文字符和한국어 텍스트。 Emoji: 😀🎉👩‍👩‍👧 ❤️ 🇫🇷!\n\
        Café naïve résumé — e\u{301}te\u{301} cafe\u{301} Ångström ﬁnance ΣΑΣ σας İstanbul straße.\n\
        Numbers: 1234567890 12 345 ٣٤٥ ½ ² Ⅻ; dates 2024-01-31, times 12:30:45.\n\
        Spaces:     five,\u{00A0}nbsp,\u{3000}ideographic,\u{2003}em,\u{0B}vtab,\u{0C}ff,\u{85}nel.\n\
        <|endoftext|><|im_start|>user\nHi<|im_end|> [CLS] [SEP] [MASK] <s> </s> <unk> <mask>x <|begin_of_text|>\n\
        Tools: <|tool|>   call ACME ACMEs xACME <mask> end.\n\
        हिन्दी पाठ, العربية, עברית, ไทย; zero\u{200B}width\u{FEFF}bom \u{1}ctl\u{7F}.\n\
          leading spaces and trailing   \n
        """

    /// The `texts` folder's evaluation text (35 KB of English), or a skip when it cannot be fetched.
    static func evaluationText() throws -> String {
        try String(contentsOf: folder(TestModels.texts).appendingPathComponent("evaluation.txt"), encoding: .utf8)
    }

    /// The cache folder of a test model or text; an unreachable package index is a skip.
    static func folder(_ name: String) throws -> URL {
        do {
            return try TestModels.folder(name)
        } catch let unavailable as TestModels.Unavailable {
            throw XCTSkip(unavailable.description)
        }
    }

    /// The texts every comparison uses: the mixed text, each of its lines alone, and the
    /// 35 KB evaluation text.
    static func texts() throws -> [String] {
        let lines = mixedText.split(separator: "\n").map(String.init)
        return [mixedText] + lines + edgeTexts + randomTexts() + [try evaluationText()]
    }

    /// Fragments the random texts are made of: every character class the components treat
    /// differently, and strings that look like tokens.
    static let fragments: [String] = [
        "a", "Z", "the", "The", "ing", "xyz", "ACME", "World", "é", "e\u{301}", "ß", "İ", "Σ", "ﬁ", "Ⅻ", "½", "²", "٣",
        "0", "7", "42", "2024", "3.14", "_", "-", ".", ",", "!", "?", "'s", "'LL", "'t", "\"", "(", "]", "{", "#", "$", "€", "→",
        " ", "  ", "   ", "\t", "\n", "\r\n", "\n\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}", "\u{2003}", "\u{3000}", "\u{2028}",
        "日", "本語", "中文", "한국어", "ひらがな", "カタカナ", "😀", "👩\u{200D}👩\u{200D}👧", "🇫🇷", "❤\u{FE0F}", "\u{200B}", "\u{FEFF}",
        "\u{1}", "\u{7F}", "\u{0}", "\u{FFFD}", "हिन्दी", "العربية", "ไทย", "ñ", "Å",
        "<|endoftext|>", "<|im_start|>", "<|begin_of_text|>", "[CLS]", "[SEP]", "[UNK]", "<s>", "</s>", "<unk>", "<mask>", "<|tool|>",
        "##", "▁", "<0x41>", "Ġ", "Ċ", "</w>",
    ]

    /// 200 texts of 1…40 random fragments, from a fixed seed (so a failure repeats).
    static func randomTexts() -> [String] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        return (0..<200).map { _ in (0...next(40)).map { _ in fragments[next(fragments.count)] }.joined() }
    }

    /// Short texts at the edges: empty, only whitespace, only a special token, one character.
    static let edgeTexts = ["", " ", "   ", "\n", "\t\t", "a", " a", "<|im_start|>", "[CLS]", "<s>", "<mask>", "ACME", " World",
                            "\u{1F600}", "e\u{301}", "\u{0}", "\u{FFFD}"]

    /// Runs Python on `tokenizerFile` and `texts`.
    static func report(_ tokenizerFile: URL, _ texts: [String], tokens: [String] = []) throws -> Report {
        try TemporaryFolder.with("tokenizer-oracle") { folder in
            let textsFile = folder.appendingPathComponent("texts.json")
            let payload = JSONValue.object(JSONObject([("texts", .array(texts.map { .string($0) })),
                                                       ("tokens", .array(tokens.map { .string($0) }))]))
            try Data(JSONWriter.bytes(payload)).write(to: textsFile)
            let output = try PythonOracle.run("""
                import json, sys
                from tokenizers import Tokenizer
                tok = Tokenizer.from_file(sys.argv[1])
                tok.no_truncation(); tok.no_padding()
                payload = json.load(open(sys.argv[2], encoding="utf-8"))
                out = {"vocab_size": tok.get_vocab_size(),
                       "special": sorted(i for i, t in tok.get_added_tokens_decoder().items() if t.special),
                       "ids": {t: tok.token_to_id(t) for t in payload["tokens"]}, "texts": []}
                for text in payload["texts"]:
                    ids = tok.encode(text).ids
                    out["texts"].append({"with": ids, "plain": tok.encode(text, add_special_tokens=False).ids,
                                         "decoded": tok.decode(ids), "decoded_all": tok.decode(ids, skip_special_tokens=False)})
                print(json.dumps(out))
                """, [tokenizerFile.path, textsFile.path])
            let json = try JSONParser.parse(output)
            func ints(_ value: JSONValue?) -> [Int] { value?.arrayValue?.compactMap(\.intValue) ?? [] }
            let encodings = (json["texts"]?.arrayValue ?? []).map { item in
                Encoding(withSpecial: ints(item["with"]), plain: ints(item["plain"]),
                         decoded: item["decoded"]?.stringValue ?? "", decodedAll: item["decoded_all"]?.stringValue ?? "")
            }
            var ids: [String: Int?] = [:]
            for member in json["ids"]?.objectValue ?? JSONObject() { ids[member.key] = member.value.intValue }
            return Report(vocabularySize: json["vocab_size"]?.intValue ?? -1, specialIDs: Set(ints(json["special"])),
                          encodings: encodings, ids: ids)
        }
    }

    /// Loads `file` with both implementations and asserts equal ids (with and without special
    /// tokens), equal decoded text, vocabulary size, special ids and token lookups.
    static func assertAgrees(_ file: URL, tokens: [String] = [], file source: StaticString = #filePath, line: UInt = #line) throws {
        let texts = try texts()
        let python = try report(file, texts, tokens: tokens)
        let swift = try Tokenizer(contentsOf: file)
        XCTAssertEqual(python.encodings.count, texts.count, file: source, line: line)
        XCTAssertEqual(swift.vocabularySize, python.vocabularySize, "vocabulary size", file: source, line: line)
        XCTAssertEqual(swift.specialTokenIDs, python.specialIDs, "special ids", file: source, line: line)
        for (token, id) in python.ids {
            XCTAssertEqual(swift.id(of: token), id, "id of \(token)", file: source, line: line)
        }
        for (text, expected) in zip(texts, python.encodings) {
            let label = String(text.prefix(40)).debugDescription
            let ids = swift.encode(text)
            if text.count > 100 { XCTAssertFalse(expected.plain.isEmpty, "python encoded nothing for \(label)", file: source, line: line) }
            assertSameIDs(ids, expected.withSpecial, swift, "\(label) with special tokens", source, line)
            assertSameIDs(swift.encode(text, addSpecialTokens: false), expected.plain, swift, "\(label) without special tokens", source, line)
            XCTAssertEqual(swift.decode(expected.withSpecial), expected.decoded, "decode of \(label)", file: source, line: line)
            XCTAssertEqual(swift.decode(expected.withSpecial, skipSpecialTokens: false), expected.decodedAll,
                           "decode keeping special tokens of \(label)", file: source, line: line)
        }
    }

    /// Asserts equal id lists, reporting the first difference with the tokens around it.
    static func assertSameIDs(_ actual: [Int], _ expected: [Int], _ tokenizer: Tokenizer, _ label: String,
                              _ file: StaticString, _ line: UInt) {
        guard actual != expected else { return }
        let first = zip(actual, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(actual.count, expected.count)
        func show(_ ids: [Int]) -> String {
            let window = ids[max(0, first - 4)..<min(ids.count, first + 6)]
            return window.map { "\($0):\(tokenizer.decode([$0], skipSpecialTokens: false).debugDescription)" }.joined(separator: " ")
        }
        XCTFail("\(label): ids differ at \(first) (swift \(actual.count) ids, python \(expected.count)); swift: \(show(actual)) python: \(show(expected))",
                file: file, line: line)
    }
}
