import StrictJSON

/// The Hugging Face `tokenizer.json` a GGUF's vocabulary amounts to, for the byte-level BPE
/// tokenizers (`tokenizer.ggml.model = gpt2`) whose pre-tokenizer is known here.
///
/// The vocabulary (`tokenizer.ggml.tokens`, ids by position), the merges
/// (`tokenizer.ggml.merges`) and the special tokens (token type 3, CONTROL, as added tokens)
/// come from the metadata; the pre-tokenizer comes from `tokenizer.ggml.pre`, the name
/// llama.cpp gives the original tokenizer's splitting rule: `smollm` (SmolLM: digits one by one,
/// then GPT-2's byte-level split) and `gpt2`/`default` (GPT-2's). Other tokenizers give `nil`.
public enum GGUFTokenizerJSON {
    /// The `tokenizer.ggml.pre` values this writer knows.
    public static let knownPreTokenizers: Set<String> = ["smollm", "gpt2", "default"]

    /// The tokenizer.json object, or `nil` when the file's tokenizer is not one written here.
    public static func object(header: GGUFHeader) -> JSONObject? {
        guard header["tokenizer.ggml.model"]?.stringValue == "gpt2",
              let pre = header["tokenizer.ggml.pre"]?.stringValue ?? Optional("default"), knownPreTokenizers.contains(pre),
              let tokens = header["tokenizer.ggml.tokens"]?.arrayValue?.strings,
              let merges = header["tokenizer.ggml.merges"]?.arrayValue?.strings else { return nil }
        let types = header["tokenizer.ggml.token_type"]?.arrayValue?.integers ?? []
        let controlType = 3
        var added: [JSONValue] = []
        for (id, token) in tokens.enumerated() where id < types.count && types[id] == controlType {
            added.append(.object([
                "id": .number(JSONNumber(id)), "content": .string(token), "single_word": .bool(false),
                "lstrip": .bool(false), "rstrip": .bool(false), "normalized": .bool(false), "special": .bool(true),
            ]))
        }
        let byteLevel: JSONObject = ["type": .string("ByteLevel"), "add_prefix_space": .bool(false),
                                     "trim_offsets": .bool(true), "use_regex": .bool(true)]
        let preTokenizer: JSONValue = pre == "smollm"
            ? .object(["type": .string("Sequence"), "pretokenizers": .array([
                .object(["type": .string("Digits"), "individual_digits": .bool(true)]), .object(byteLevel)])])
            : .object(byteLevel)
        var vocabulary = JSONObject()
        for (id, token) in tokens.enumerated() { vocabulary.append(key: token, value: .number(JSONNumber(id))) }
        let model: JSONObject = [
            "type": .string("BPE"), "dropout": .null, "unk_token": .null, "continuing_subword_prefix": .null,
            "end_of_word_suffix": .null, "fuse_unk": .bool(false), "byte_fallback": .bool(false), "ignore_merges": .bool(false),
            "vocab": .object(vocabulary), "merges": .array(merges.map { .string($0) }),
        ]
        return [
            "version": .string("1.0"), "truncation": .null, "padding": .null, "added_tokens": .array(added),
            "normalizer": .null, "pre_tokenizer": preTokenizer,
            "post_processor": .object(["type": .string("ByteLevel"), "add_prefix_space": .bool(false),
                                       "trim_offsets": .bool(false), "use_regex": .bool(true)]),
            "decoder": .object(["type": .string("ByteLevel"), "add_prefix_space": .bool(true),
                                "trim_offsets": .bool(true), "use_regex": .bool(true)]),
            "model": .object(model),
        ]
    }
}
