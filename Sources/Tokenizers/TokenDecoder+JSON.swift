import StrictJSON

extension TokenDecoder {
    /// Reads a decoder object of a `tokenizer.json`.
    init(json: JSONValue, reader: TokenizerFileReader, path: String) throws {
        let object = try reader.object(json, path)
        let type = try reader.type(object, path)
        switch type {
        case "ByteLevel": self = .byteLevel
        case "WordPiece":
            self = .wordPiece(prefix: try reader.optionalString(object["prefix"], path + ".prefix") ?? "##",
                              cleanup: try reader.bool(object["cleanup"], path + ".cleanup", default: true))
        case "Metaspace":
            let replacement = ScalarText.scalars(try reader.string(object["replacement"], path + ".replacement"))
            guard replacement.count == 1 else { throw reader.invalid(path + ".replacement", "must be a single character") }
            self = .metaspace(replacement: replacement[0], prepend: try PreTokenizer.prependScheme(object, reader, path))
        case "Replace":
            self = .replace(try SplitPattern(json: object["pattern"], reader: reader, path: path + ".pattern"),
                            ScalarText.scalars(try reader.string(object["content"], path + ".content")))
        case "ByteFallback": self = .byteFallback
        case "Fuse": self = .fuse
        case "Strip":
            let content = ScalarText.scalars(try reader.string(object["content"], path + ".content"))
            guard content.count == 1 else { throw reader.invalid(path + ".content", "must be a single character") }
            self = .strip(content: content[0], start: try reader.count(object["start"], path + ".start", default: 0),
                          stop: try reader.count(object["stop"], path + ".stop", default: 0))
        case "BPEDecoder":
            self = .bpe(suffix: try reader.optionalString(object["suffix"], path + ".suffix") ?? "</w>")
        case "Sequence":
            let items = try reader.array(object["decoders"], path + ".decoders")
            self = .sequence(try items.enumerated().map { i, item in
                try TokenDecoder(json: item, reader: reader, path: "\(path).decoders[\(i)]")
            })
        default:
            throw reader.unsupported("decoder", type, TokenDecoder.supportedTypes)
        }
    }
}
