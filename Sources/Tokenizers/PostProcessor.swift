import StrictJSON

/// A `post_processor` of a `tokenizer.json`, reduced to what it does to one sequence's ids:
/// the special tokens it puts around them when `addSpecialTokens` is true.
indirect enum PostProcessor: Sendable {
    /// Ids before and after the sequence (TemplateProcessing's `single`, BertProcessing's and
    /// RobertaProcessing's cls/sep).
    case surround(prefix: [Int], suffix: [Int])
    /// Changes offsets only (ByteLevel).
    case none
    /// Several processors, in order.
    case sequence([PostProcessor])

    /// The component names ``init(json:reader:path:)`` accepts, for the unsupported-type message.
    static let supportedTypes = ["TemplateProcessing", "BertProcessing", "RobertaProcessing", "ByteLevel", "Sequence"]

    /// `ids` with this processor's special tokens.
    func apply(_ ids: [Int]) -> [Int] {
        switch self {
        case let .surround(prefix, suffix): return prefix + ids + suffix
        case .none: return ids
        case .sequence(let processors): return processors.reduce(ids) { $1.apply($0) }
        }
    }

    /// Reads a post-processor object.
    init(json: JSONValue, reader: TokenizerFileReader, path: String) throws {
        let object = try reader.object(json, path)
        let type = try reader.type(object, path)
        switch type {
        case "TemplateProcessing":
            self = try PostProcessor.template(object, reader, path)
        case "BertProcessing", "RobertaProcessing":
            func id(_ key: String) throws -> Int {
                let pair = try reader.array(object[key], "\(path).\(key)")
                guard pair.count == 2 else { throw reader.invalid("\(path).\(key)", "must be [token, id]") }
                return try reader.tokenID(pair[1], "\(path).\(key)[1]")
            }
            self = .surround(prefix: [try id("cls")], suffix: [try id("sep")])
        case "ByteLevel":
            self = .none
        case "Sequence":
            let items = try reader.array(object["processors"], path + ".processors")
            self = .sequence(try items.enumerated().map { i, item in
                try PostProcessor(json: item, reader: reader, path: "\(path).processors[\(i)]")
            })
        default:
            throw reader.unsupported("post_processor", type, PostProcessor.supportedTypes)
        }
    }

    /// TemplateProcessing's `single` template with its `special_tokens` table.
    private static func template(_ object: JSONObject, _ reader: TokenizerFileReader, _ path: String) throws -> PostProcessor {
        let table = try reader.object(object["special_tokens"] ?? .object(JSONObject()), path + ".special_tokens")
        var prefix: [Int] = [], suffix: [Int] = []
        var seenSequence = false
        for (i, item) in try reader.array(object["single"], path + ".single").enumerated() {
            let itemPath = "\(path).single[\(i)]"
            let piece = try reader.object(item, itemPath)
            if piece["Sequence"] != nil {
                seenSequence = true
            } else if let special = piece["SpecialToken"] {
                let name = try reader.string(try reader.object(special, itemPath + ".SpecialToken")["id"], itemPath + ".SpecialToken.id")
                guard let entry = table[name] else {
                    throw reader.invalid(itemPath, "names \(JSONWriter.quoted(name)), which \(path).special_tokens lacks")
                }
                let ids = try reader.array(try reader.object(entry, "\(path).special_tokens.\(name)")["ids"], "\(path).special_tokens.\(name).ids")
                    .enumerated().map { j, id in try reader.tokenID(id, "\(path).special_tokens.\(name).ids[\(j)]") }
                if seenSequence { suffix += ids } else { prefix += ids }
            } else {
                throw reader.invalid(itemPath, "must hold \"Sequence\" or \"SpecialToken\"")
            }
        }
        return .surround(prefix: prefix, suffix: suffix)
    }
}
