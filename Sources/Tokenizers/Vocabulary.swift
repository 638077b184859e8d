import StrictJSON

/// A model's token ↔ id table. Tokens are keyed by their UTF-8 bytes, never by `String`
/// equality, which would merge canonically equivalent tokens ("é" and "e\u{301}").
struct Vocabulary: Sendable {
    /// Id of each token's UTF-8 bytes.
    let ids: [[UInt8]: Int]
    /// Token of each id.
    let tokens: [Int: String]

    /// Reads a `{"token": id, …}` object.
    init(json: JSONValue?, reader: TokenizerFileReader, path: String) throws {
        let object = try reader.object(json, path)
        var ids: [[UInt8]: Int] = [:]
        var tokens: [Int: String] = [:]
        ids.reserveCapacity(object.count)
        tokens.reserveCapacity(object.count)
        for member in object {
            // The path is only spelled out for an error: 50,000 interpolations cost a tenth of a second.
            guard let id = member.value.intValue, id >= 0, id <= Int(Int32.max) else {
                throw reader.invalid("\(path)[\(JSONWriter.quoted(member.key))]", "must be a token id (a non-negative integer) but is \(member.value.kindDescription)")
            }
            ids[Array(member.key.utf8)] = id
            tokens[id] = member.key
        }
        self.ids = ids
        self.tokens = tokens
    }

    /// The id of `token`.
    func id(_ token: String) -> Int? { ids[Array(token.utf8)] }

    /// The id of a token given by its bytes.
    func id(bytes: [UInt8]) -> Int? { ids[bytes] }
}
