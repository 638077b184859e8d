import StrictJSON

/// WordPiece as BERT uses it: greedy longest-match-first over each piece, non-initial pieces
/// prefixed by `continuing_subword_prefix` (`##`), a piece with no split or too many characters
/// becomes the unknown token.
struct WordPieceModel: Sendable {
    /// Token ↔ id.
    let vocabulary: Vocabulary
    /// The unknown token's id.
    let unknownID: Int
    /// Prefix of non-initial sub-words.
    let prefix: [UInt8]
    /// Longer pieces (in characters) are unknown as a whole.
    let maxInputCharactersPerWord: Int

    /// Reads a `{"type": "WordPiece", …}` model object.
    init(json object: JSONObject, reader: TokenizerFileReader, path: String) throws {
        vocabulary = try Vocabulary(json: object["vocab"], reader: reader, path: path + ".vocab")
        let unk = try reader.optionalString(object["unk_token"], path + ".unk_token") ?? "[UNK]"
        guard let id = vocabulary.id(unk) else { throw reader.invalid(path + ".unk_token", "is \(JSONWriter.quoted(unk)), which model.vocab lacks") }
        unknownID = id
        prefix = Array((try reader.optionalString(object["continuing_subword_prefix"], path + ".continuing_subword_prefix") ?? "##").utf8)
        maxInputCharactersPerWord = try reader.count(object["max_input_chars_per_word"], path + ".max_input_chars_per_word", default: 100)
    }

    /// Ids for one pre-tokenized piece, appended to `ids`.
    func encode(_ piece: [Unicode.Scalar], into ids: inout [Int]) {
        if piece.isEmpty { return }
        if piece.count > maxInputCharactersPerWord { ids.append(unknownID); return }
        var found: [Int] = []
        var start = 0
        while start < piece.count {
            var end = piece.count
            var match: Int?
            while start < end {
                var key: [UInt8] = start > 0 ? prefix : []
                ScalarText.appendUTF8(piece[start..<end], to: &key)
                if let id = vocabulary.id(bytes: key) { match = id; break }
                end -= 1
            }
            guard let match else { ids.append(unknownID); return }
            found.append(match)
            start = end
        }
        ids.append(contentsOf: found)
    }
}
