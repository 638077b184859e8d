import StrictJSON

extension PreTokenizer {
    /// Reads a pre-tokenizer object of a `tokenizer.json`.
    init(json: JSONValue, reader: TokenizerFileReader, path: String) throws {
        let object = try reader.object(json, path)
        let type = try reader.type(object, path)
        func behavior(default fallback: SplitBehavior) throws -> SplitBehavior {
            guard let name = try reader.optionalString(object["behavior"], path + ".behavior") else { return fallback }
            guard let behavior = SplitBehavior(rawValue: name) else {
                throw reader.invalid(path + ".behavior", "is \(JSONWriter.quoted(name)), not one of Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous")
            }
            return behavior
        }
        switch type {
        case "ByteLevel":
            self = .byteLevel(addPrefixSpace: try reader.bool(object["add_prefix_space"], path + ".add_prefix_space", default: true),
                              useRegex: try reader.bool(object["use_regex"], path + ".use_regex", default: true))
        case "Split":
            self = .split(try SplitPattern(json: object["pattern"], reader: reader, path: path + ".pattern"),
                          try behavior(default: .removed),
                          invert: try reader.bool(object["invert"], path + ".invert", default: false))
        case "Digits":
            self = .digits(individual: try reader.bool(object["individual_digits"], path + ".individual_digits", default: false))
        case "BertPreTokenizer": self = .bert
        case "Whitespace": self = .whitespace
        case "WhitespaceSplit": self = .whitespaceSplit
        case "Punctuation": self = .punctuation(try behavior(default: .isolated))
        case "Metaspace":
            let replacement = ScalarText.scalars(try reader.string(object["replacement"], path + ".replacement"))
            guard replacement.count == 1 else { throw reader.invalid(path + ".replacement", "must be a single character") }
            self = .metaspace(replacement: replacement[0], prepend: try PreTokenizer.prependScheme(object, reader, path),
                              split: try reader.bool(object["split"], path + ".split", default: true))
        case "Sequence":
            let items = try reader.array(object["pretokenizers"], path + ".pretokenizers")
            self = .sequence(try items.enumerated().map { i, item in
                try PreTokenizer(json: item, reader: reader, path: "\(path).pretokenizers[\(i)]")
            })
        default:
            throw reader.unsupported("pre_tokenizer", type, PreTokenizer.supportedTypes)
        }
    }

    /// Metaspace's `prepend_scheme`, or the legacy `add_prefix_space` (true → always).
    static func prependScheme(_ object: JSONObject, _ reader: TokenizerFileReader, _ path: String) throws -> MetaspacePrepend {
        if let name = try reader.optionalString(object["prepend_scheme"], path + ".prepend_scheme") {
            guard let scheme = MetaspacePrepend(rawValue: name) else {
                throw reader.invalid(path + ".prepend_scheme", "is \(JSONWriter.quoted(name)), not one of always, first, never")
            }
            return scheme
        }
        return try reader.bool(object["add_prefix_space"], path + ".add_prefix_space", default: true) ? .always : .never
    }
}
