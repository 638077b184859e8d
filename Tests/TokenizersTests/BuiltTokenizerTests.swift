import Foundation
import PythonOracle
import XCTest
@testable import Tokenizers

/// Tokenizers in the styles no package ships, built and trained (on the calibration text) by
/// Python `tokenizers` in the test, then compared with it.
final class BuiltTokenizerTests: XCTestCase {
    /// Builds every style into `folder` (`llama2.json`, `metaspace.json`, `llama3.json`,
    /// `qwen2.json`, `gpt2.json`, `clip.json`, `wordlevel.json`).
    static func build(into folder: URL) throws {
        let corpus = try TokenizerOracle.folder(TestModels.texts).appendingPathComponent("calibration.txt")
        try PythonOracle.run(builder, [folder.path, corpus.path])
    }

    /// The folder the styles were built into, or why building failed (a skip included).
    private static var built: Result<URL, Error>?

    /// Builds the styles once for all tests of this class (training takes seconds), then runs
    /// `body` with their folder; ``tearDown()`` removes it.
    static func withBuilt(_ body: (URL) throws -> Void) throws {
        if built == nil {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rankscope-built-tokenizers-\(UUID().uuidString)")
            built = Result {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try build(into: folder)
                return folder
            }
        }
        try body(try built!.get())
    }

    override class func tearDown() {
        if case .success(let folder)? = built { try? FileManager.default.removeItem(at: folder) }
        built = nil
        super.tearDown()
    }

    /// Llama 2 / Mistral: Prepend + Replace normalizers, BPE with byte fallback and fused
    /// <unk> (bytes E4…E9 left out), Llama's decoders, an added token with rstrip.
    func testLlama2StyleByteFallbackBPEMatchesPython() throws {
        try Self.withBuilt { folder in
            try TokenizerOracle.assertAgrees(folder.appendingPathComponent("llama2.json"), tokens: ["<s>", "<0x0A>", "<0xE5>", "▁the", "<|tool|>"])
        }
    }

    /// Older Mistral files: the Metaspace pre-tokenizer (prepend_scheme first) and decoder.
    func testMetaspaceStyleMatchesPython() throws {
        try Self.withBuilt { folder in
            try TokenizerOracle.assertAgrees(folder.appendingPathComponent("metaspace.json"))
        }
    }

    /// Llama 3: Split with Llama 3's regex, ByteLevel(use_regex=false), ignore_merges,
    /// TemplateProcessing adding <|begin_of_text|>.
    func testLlama3StyleSplitRegexMatchesPython() throws {
        try Self.withBuilt { folder in
            try TokenizerOracle.assertAgrees(folder.appendingPathComponent("llama3.json"), tokens: ["<|begin_of_text|>", "Ġthe"])
        }
    }

    /// Qwen 2: NFC normalizer and single digits in the regex.
    func testQwen2StyleMatchesPython() throws {
        try Self.withBuilt { folder in
            try TokenizerOracle.assertAgrees(folder.appendingPathComponent("qwen2.json"))
        }
    }

    /// GPT-2 / RoBERTa: ByteLevel with its regex and add_prefix_space, RobertaProcessing,
    /// <mask> with lstrip and a single_word added token.
    func testGPT2StyleMatchesPython() throws {
        try Self.withBuilt { folder in
            try TokenizerOracle.assertAgrees(folder.appendingPathComponent("gpt2.json"), tokens: ["<mask>", "ACME", "<s>"])
        }
    }

    /// CLIP-style BPE: `##` continuing prefix and `</w>` end-of-word suffix, NFKC + Lowercase,
    /// Whitespace pre-tokenizer, BPEDecoder.
    func testSuffixAndPrefixBPEMatchesPython() throws {
        try Self.withBuilt { folder in
            try TokenizerOracle.assertAgrees(folder.appendingPathComponent("clip.json"), tokens: ["the</w>", "<|endoftext|>"])
        }
    }

    /// WordLevel over WhitespaceSplit + Punctuation, with BertProcessing.
    func testWordLevelMatchesPython() throws {
        try Self.withBuilt { folder in
            try TokenizerOracle.assertAgrees(folder.appendingPathComponent("wordlevel.json"), tokens: ["[CLS]", "the", "zzz"])
        }
    }

    /// The Python builder: argv[1] the output folder, argv[2] the training text.
    static let builder = #"""
        import json, os, sys
        from tokenizers import Tokenizer, AddedToken, Regex, models, normalizers, pre_tokenizers, decoders, processors, trainers

        out, corpus_path = sys.argv[1], sys.argv[2]
        corpus = open(corpus_path, encoding="utf-8").read().splitlines()
        corpus += ["Hello, world! 日本語 café 12345 ", "def f(x):\n\treturn x  # tab"]

        def save(tok, name):
            tok.save(os.path.join(out, name + ".json"))

        # Llama-2 / Mistral style: SentencePiece BPE with byte fallback, Prepend + Replace normalizers.
        tok = Tokenizer(models.BPE(byte_fallback=True, fuse_unk=True, unk_token="<unk>"))
        tok.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
        tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="never", split=True)
        tok.train_from_iterator(corpus, trainers.BpeTrainer(vocab_size=700, special_tokens=["<unk>", "<s>", "</s>"],
                                                            limit_alphabet=90, show_progress=False))
        data = json.loads(tok.to_str())
        trained = data["model"]["vocab"]
        # Llama's layout: <unk> <s> </s>, then <0x00>…<0xFF> as plain vocabulary, then the trained pieces.
        # Bytes E4…E9 are left out so that most CJK characters fall back to (fused) <unk>.
        vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
        for b in range(256):
            if not 0xE4 <= b <= 0xE9:
                vocab[f"<0x{b:02X}>"] = len(vocab)
        for t, _ in sorted(trained.items(), key=lambda kv: kv[1]):
            if t not in vocab:
                vocab[t] = len(vocab)
        data["model"]["vocab"] = vocab
        data["added_tokens"] = [dict(a, id=vocab[a["content"]]) for a in data["added_tokens"]]
        data["pre_tokenizer"] = None
        data["decoder"] = {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
            {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}
        tok = Tokenizer.from_str(json.dumps(data))
        tok.post_processor = processors.TemplateProcessing(single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", 1)])
        tok.add_special_tokens([AddedToken("<|tool|>", rstrip=True, normalized=False)])
        save(tok, "llama2")

        # Older Mistral files: no normalizer, the Metaspace pre-tokenizer and decoder instead.
        data = json.loads(tok.to_str())
        data["normalizer"] = None
        data["pre_tokenizer"] = {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": False}
        data["decoder"] = {"type": "Sequence", "decoders": [{"type": "ByteFallback"}, {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": False}]}
        save(Tokenizer.from_str(json.dumps(data)), "metaspace")

        # Llama 3 style: Split with Llama 3's regex, ByteLevel without its regex, ignore_merges.
        llama3 = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
        tok = Tokenizer(models.BPE(ignore_merges=True))
        tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(llama3), behavior="isolated", invert=False),
                                                     pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False)])
        tok.decoder = decoders.ByteLevel()
        tok.train_from_iterator(corpus, trainers.BpeTrainer(vocab_size=900, special_tokens=["<|begin_of_text|>", "<|eot_id|>"],
                                                            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))
        tok.post_processor = processors.Sequence([processors.ByteLevel(trim_offsets=False),
            processors.TemplateProcessing(single="<|begin_of_text|> $A", pair="<|begin_of_text|> $A <|begin_of_text|> $B",
                                          special_tokens=[("<|begin_of_text|>", tok.token_to_id("<|begin_of_text|>"))])])
        save(tok, "llama3")

        # Qwen 2 style: NFC normalizer, single digits in the regex.
        qwen = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
        data = json.loads(tok.to_str())
        data["normalizer"] = {"type": "NFC"}
        data["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = qwen
        data["model"]["ignore_merges"] = False
        data["post_processor"] = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}
        save(Tokenizer.from_str(json.dumps(data)), "qwen2")

        # GPT-2 / RoBERTa style: ByteLevel with its regex and a prefix space, RobertaProcessing, <mask> with lstrip.
        tok = Tokenizer(models.BPE())
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True)
        tok.decoder = decoders.ByteLevel()
        tok.train_from_iterator(corpus, trainers.BpeTrainer(vocab_size=800, special_tokens=["<s>", "</s>", "<pad>"],
                                                            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))
        tok.add_special_tokens([AddedToken("<mask>", lstrip=True, normalized=False)])
        tok.add_tokens([AddedToken("ACME", single_word=True)])
        tok.post_processor = processors.RobertaProcessing(("</s>", tok.token_to_id("</s>")), ("<s>", tok.token_to_id("<s>")))
        save(tok, "gpt2")
        # CLIP-style BPE: continuing_subword_prefix and end_of_word_suffix, Whitespace pre-tokenizer, BPEDecoder.
        tok = Tokenizer(models.BPE(unk_token="<unk>", continuing_subword_prefix="##", end_of_word_suffix="</w>"))
        tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
        tok.pre_tokenizer = pre_tokenizers.Whitespace()
        tok.decoder = decoders.BPEDecoder(suffix="</w>")
        tok.train_from_iterator(corpus, trainers.BpeTrainer(vocab_size=700, special_tokens=["<unk>", "<|startoftext|>", "<|endoftext|>"],
                                                            continuing_subword_prefix="##", end_of_word_suffix="</w>",
                                                            limit_alphabet=60, show_progress=False))
        tok.add_tokens([AddedToken("World", normalized=True)])
        tok.post_processor = processors.TemplateProcessing(single="<|startoftext|> $A <|endoftext|>",
            special_tokens=[("<|startoftext|>", tok.token_to_id("<|startoftext|>")), ("<|endoftext|>", tok.token_to_id("<|endoftext|>"))])
        save(tok, "clip")

        # WordLevel over WhitespaceSplit, with BertProcessing.
        tok = Tokenizer(models.WordLevel(unk_token="[UNK]"))
        tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Punctuation()])
        tok.train_from_iterator(corpus, trainers.WordLevelTrainer(vocab_size=500, special_tokens=["[UNK]", "[CLS]", "[SEP]"], show_progress=False))
        tok.post_processor = processors.BertProcessing(("[SEP]", tok.token_to_id("[SEP]")), ("[CLS]", tok.token_to_id("[CLS]")))
        save(tok, "wordlevel")
        print("ok")
        """#
}
