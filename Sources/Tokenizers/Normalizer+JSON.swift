import StrictJSON

extension Normalizer {
    /// Reads a normalizer object of a `tokenizer.json`.
    init(json: JSONValue, reader: TokenizerFileReader, path: String) throws {
        let object = try reader.object(json, path)
        let type = try reader.type(object, path)
        switch type {
        case "BertNormalizer":
            let lowercase = try reader.bool(object["lowercase"], path + ".lowercase", default: true)
            self = .bert(cleanText: try reader.bool(object["clean_text"], path + ".clean_text", default: true),
                         handleChineseCharacters: try reader.bool(object["handle_chinese_chars"], path + ".handle_chinese_chars", default: true),
                         stripAccents: try reader.optionalBool(object["strip_accents"], path + ".strip_accents") ?? lowercase,
                         lowercase: lowercase)
        case "Prepend":
            self = .prepend(ScalarText.scalars(try reader.string(object["prepend"], path + ".prepend")))
        case "Replace":
            self = .replace(try SplitPattern(json: object["pattern"], reader: reader, path: path + ".pattern"),
                            ScalarText.scalars(try reader.string(object["content"], path + ".content")))
        case "NFC": self = .unicode(.nfc)
        case "NFD": self = .unicode(.nfd)
        case "NFKC": self = .unicode(.nfkc)
        case "NFKD": self = .unicode(.nfkd)
        case "Lowercase": self = .lowercase
        case "StripAccents": self = .stripAccents
        case "Strip":
            self = .strip(left: try reader.bool(object["strip_left"], path + ".strip_left", default: true),
                          right: try reader.bool(object["strip_right"], path + ".strip_right", default: true))
        case "Sequence":
            let items = try reader.array(object["normalizers"], path + ".normalizers")
            self = .sequence(try items.enumerated().map { i, item in
                try Normalizer(json: item, reader: reader, path: "\(path).normalizers[\(i)]")
            })
        default:
            throw reader.unsupported("normalizer", type, Normalizer.supportedTypes)
        }
    }
}
