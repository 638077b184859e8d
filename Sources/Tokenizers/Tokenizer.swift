import Foundation
import SafeTensors
import StrictJSON

/// A Hugging Face tokenizer loaded from its `tokenizer.json`, encoding text to the same token
/// ids as the Python `tokenizers` package (0.23) and decoding them back.
///
/// Supported: byte-level BPE (GPT-2, Llama 3, Qwen, SmolLM, StarCoder), SentencePiece-style BPE
/// with byte fallback (Llama 2, Mistral) and WordPiece (BERT), with the normalizers,
/// pre-tokenizers, post-processors and decoders those files use, and `added_tokens` with
/// their `special`, `normalized`, `lstrip`, `rstrip` and `single_word` flags. The file's
/// `truncation` and `padding` sections are ignored: ``encode(_:addSpecialTokens:)`` returns every
/// token, and callers cut windows themselves. Immutable after loading, so one instance can be
/// shared between threads.
public final class Tokenizer: Sendable {
    /// Rewrites text before pre-tokenization, if the file has a normalizer.
    let normalizer: Normalizer?
    /// Cuts text into pieces, if the file has a pre-tokenizer.
    let preTokenizer: PreTokenizer?
    /// Maps pieces to ids.
    let model: TokenModel
    /// Adds special tokens around a sequence, if the file has a post-processor.
    let postProcessor: PostProcessor?
    /// Turns tokens back into text; without one, tokens are joined with spaces.
    let decoder: TokenDecoder?
    /// Added tokens matched in the raw input (`normalized: false`).
    let rawMatcher: AddedTokenMatcher
    /// Added tokens matched in normalized text (`normalized: true`).
    let normalizedMatcher: AddedTokenMatcher
    /// What decoding shows for each added token: its normalized form when it is matched
    /// normalized (as `tokenizers` does, so the decoder can invert the normalization), else
    /// its content.
    let addedDecodedForm: [Int: String]
    /// Added tokens' ids by their UTF-8 content.
    let addedByContent: [[UInt8]: Int]
    /// UTF-8 contents of the special added tokens (decoding skips any token spelled so).
    let specialContents: Set<[UInt8]>

    /// The ids of the added tokens marked `special` (`<|endoftext|>`, `[CLS]`, …), which
    /// ``decode(_:skipSpecialTokens:)`` leaves out by default.
    public let specialTokenIDs: Set<Int>

    /// How many distinct tokens the tokenizer knows: the model's vocabulary together with the
    /// added tokens (Python's `get_vocab_size(with_added_tokens=True)`). In the usual files ids
    /// run densely from 0, so every id is below this; a file with gaps in its ids may hold
    /// larger ones. A model's embedding matrix may have more rows (padded vocabularies).
    public let vocabularySize: Int

    /// Loads `tokenizer.json` from `url`.
    ///
    /// - Throws: ``TokenizerError``: `.unreadable` when the file cannot be read, `.malformedJSON`
    ///   (with line and column) when it is not JSON, `.invalid` when a field has the wrong shape,
    ///   `.unsupported` when a normalizer, pre-tokenizer, model, post-processor or decoder has a
    ///   `type` this module does not implement.
    /// Loads a `tokenizer.json` held in memory (a GGUF's vocabulary turned into one, say); `name`
    /// stands for the file in error messages.
    ///
    /// - Throws: ``TokenizerError`` as ``init(contentsOf:)`` does.
    public convenience init(json data: [UInt8], name: String) throws {
        try self.init(json: data, file: name)
    }

    public convenience init(contentsOf url: URL) throws {
        let name = url.path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: name, isDirectory: &isFolder) else {
            throw TokenizerError.unreadable(file: name, reason: "no such file")
        }
        if isFolder.boolValue { throw TokenizerError.unreadable(file: name, reason: "it is a folder, not a file") }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TokenizerError.unreadable(file: name, reason: SystemErrorText.reason(of: error))
        }
        try self.init(json: data, file: name)
    }

    /// Loads a `tokenizer.json` held in memory; `file` names it in error messages.
    init<Bytes: Collection>(json bytes: Bytes, file: String) throws where Bytes.Element == UInt8 {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes, options: JSONParser.Options(rejectDuplicateKeys: false))
        } catch let error as JSONParseError {
            throw TokenizerError.malformedJSON(file: file, error: error)
        }
        let reader = TokenizerFileReader(file: file)
        let root = try reader.object(document, "the top level")
        func component<T>(_ key: String, _ make: (JSONValue) throws -> T) throws -> T? {
            guard let value = root[key], !value.isNull else { return nil }
            return try make(value)
        }
        normalizer = try component("normalizer") { try Normalizer(json: $0, reader: reader, path: "normalizer") }
        preTokenizer = try component("pre_tokenizer") { try PreTokenizer(json: $0, reader: reader, path: "pre_tokenizer") }
        model = try TokenModel(json: root["model"], reader: reader)
        postProcessor = try component("post_processor") { try PostProcessor(json: $0, reader: reader, path: "post_processor") }
        decoder = try component("decoder") { try TokenDecoder(json: $0, reader: reader, path: "decoder") }

        let added = try reader.array(root["added_tokens"] ?? .array([]), "added_tokens").enumerated().map { i, item in
            try AddedToken(json: item, reader: reader, path: "added_tokens[\(i)]")
        }
        var decodedForm: [Int: String] = [:]
        var byContent: [[UInt8]: Int] = [:]
        var raw: [(bytes: [UInt8], token: AddedToken)] = []
        var normalized: [(bytes: [UInt8], token: AddedToken)] = []
        for token in added {
            byContent[Array(token.content.utf8)] = token.id
            if token.normalized {
                let scalars = ScalarText.scalars(token.content)
                let form = normalizer?.apply(scalars) ?? scalars
                normalized.append((ScalarText.utf8(form), token))
                decodedForm[token.id] = ScalarText.string(form)
            } else {
                raw.append((Array(token.content.utf8), token))
                decodedForm[token.id] = token.content
            }
        }
        addedDecodedForm = decodedForm
        addedByContent = byContent
        rawMatcher = AddedTokenMatcher(raw)
        normalizedMatcher = AddedTokenMatcher(normalized)
        let special = added.filter(\.special)
        specialTokenIDs = Set(special.map(\.id))
        specialContents = Set(special.map { Array($0.content.utf8) })
        let vocabulary = model.vocabulary
        vocabularySize = vocabulary.ids.count + byContent.keys.filter { vocabulary.ids[$0] == nil }.count
    }

    /// The token ids of `text`, as Python's `Tokenizer.encode(text, add_special_tokens=…).ids`.
    ///
    /// Added tokens written in the text (such as `<|im_start|>`) become their ids; with
    /// `addSpecialTokens` the post-processor's tokens (BERT's `[CLS]` … `[SEP]`) are added.
    public func encode(_ text: String, addSpecialTokens: Bool = true) -> [Int] {
        let scalars = ScalarText.scalars(text)
        var ids: [Int] = []
        ids.reserveCapacity(scalars.count / 3 + 4)
        var cache: [[Unicode.Scalar]: [Int32]] = [:]
        for segment in rawMatcher.segments(scalars) {
            switch segment {
            case .token(let index):
                ids.append(rawMatcher.tokens[index].id)
            case .text(let range):
                if range.isEmpty { continue }
                var piece = Array(scalars[range])
                if let normalizer { piece = normalizer.apply(piece) }
                for inner in normalizedMatcher.segments(piece) {
                    switch inner {
                    case .token(let index):
                        ids.append(normalizedMatcher.tokens[index].id)
                    case .text(let innerRange):
                        if innerRange.isEmpty { continue }
                        let start = TextPiece(scalars: Array(piece[innerRange]),
                                              atStart: range.lowerBound == 0 && innerRange.lowerBound == 0)
                        for part in preTokenizer?.apply([start]) ?? [start] {
                            model.encode(part.scalars, into: &ids, cache: &cache)
                        }
                    }
                }
            }
        }
        if addSpecialTokens, let postProcessor { ids = postProcessor.apply(ids) }
        return ids
    }

    /// The text of `ids`, as Python's `Tokenizer.decode(ids, skip_special_tokens=…)`.
    ///
    /// Ids the tokenizer does not know are left out; with `skipSpecialTokens`, so are special
    /// tokens. Bytes that do not form UTF-8 (a cut-off multi-byte character) become U+FFFD.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = true) -> String {
        var tokens: [String] = []
        tokens.reserveCapacity(ids.count)
        for id in ids {
            guard let token = addedDecodedForm[id] ?? model.vocabulary.tokens[id] else { continue }
            if skipSpecialTokens && specialContents.contains(Array(token.utf8)) { continue }
            tokens.append(token)
        }
        guard let decoder else { return tokens.joined(separator: " ") }
        return decoder.decode(tokens).joined()
    }

    /// The id of `token` (an added token's or the model vocabulary's), or `nil` when unknown.
    public func id(of token: String) -> Int? {
        let bytes = Array(token.utf8)
        return addedByContent[bytes] ?? model.vocabulary.id(bytes: bytes)
    }
}
