import StrictJSON

/// The `model` of a `tokenizer.json`: maps one pre-tokenized piece to ids.
enum TokenModel: Sendable {
    case bpe(BPEModel)
    case wordPiece(WordPieceModel)
    case wordLevel(WordLevelModel)

    /// The component names ``init(json:reader:)`` accepts, for the unsupported-type message.
    static let supportedTypes = ["BPE", "WordPiece", "WordLevel"]

    /// Reads the `model` object.
    init(json: JSONValue?, reader: TokenizerFileReader) throws {
        let object = try reader.object(json, "model")
        // Files written by old versions of `tokenizers` leave out BPE's type.
        guard let type = try reader.optionalString(object["type"], "model.type") ?? (object["merges"] != nil ? "BPE" : nil) else {
            throw reader.invalid("model.type", "is missing")
        }
        switch type {
        case "BPE": self = .bpe(try BPEModel(json: object, reader: reader, path: "model"))
        case "WordPiece": self = .wordPiece(try WordPieceModel(json: object, reader: reader, path: "model"))
        case "WordLevel": self = .wordLevel(try WordLevelModel(json: object, reader: reader, path: "model"))
        default: throw reader.unsupported("model", type, TokenModel.supportedTypes)
        }
    }

    /// Token ↔ id.
    var vocabulary: Vocabulary {
        switch self {
        case .bpe(let model): return model.vocabulary
        case .wordPiece(let model): return model.vocabulary
        case .wordLevel(let model): return model.vocabulary
        }
    }

    /// Ids of `piece`, appended to `ids`.
    func encode(_ piece: [Unicode.Scalar], into ids: inout [Int], cache: inout [[Unicode.Scalar]: [Int32]]) {
        switch self {
        case .bpe(let model): model.encode(piece, into: &ids, cache: &cache)
        case .wordPiece(let model): model.encode(piece, into: &ids)
        case .wordLevel(let model): model.encode(piece, into: &ids)
        }
    }
}
