import StrictJSON

/// A whole-piece lookup table (`models.WordLevel`): each pre-tokenized piece is one token, or
/// the unknown token when the vocabulary lacks it.
struct WordLevelModel: Sendable {
    /// Token ↔ id.
    let vocabulary: Vocabulary
    /// The unknown token's id.
    let unknownID: Int

    /// Reads a `{"type": "WordLevel", …}` model object.
    init(json object: JSONObject, reader: TokenizerFileReader, path: String) throws {
        vocabulary = try Vocabulary(json: object["vocab"], reader: reader, path: path + ".vocab")
        let unk = try reader.optionalString(object["unk_token"], path + ".unk_token") ?? "<unk>"
        guard let id = vocabulary.id(unk) else { throw reader.invalid(path + ".unk_token", "is \(JSONWriter.quoted(unk)), which model.vocab lacks") }
        unknownID = id
    }

    /// The id of one pre-tokenized piece, appended to `ids`.
    func encode(_ piece: [Unicode.Scalar], into ids: inout [Int]) {
        if piece.isEmpty { return }
        ids.append(vocabulary.id(bytes: ScalarText.utf8(piece)) ?? unknownID)
    }
}
