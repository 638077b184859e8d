import StrictJSON

/// One entry of `added_tokens`: text matched in the input before the model sees it.
struct AddedToken: Sendable {
    /// The token's id.
    let id: Int
    /// The token's text.
    let content: String
    /// Skipped by `decode(skipSpecialTokens: true)` and counted in `specialTokenIDs`.
    let special: Bool
    /// Matched in normalized text (true) or in the raw input (false).
    let normalized: Bool
    /// Also swallows whitespace on its left.
    let lstrip: Bool
    /// Also swallows whitespace on its right.
    let rstrip: Bool
    /// Matches only when not inside a word.
    let singleWord: Bool

    /// Reads one `added_tokens` entry.
    init(json: JSONValue, reader: TokenizerFileReader, path: String) throws {
        let object = try reader.object(json, path)
        id = try reader.tokenID(object["id"], path + ".id")
        content = try reader.string(object["content"], path + ".content")
        special = try reader.bool(object["special"], path + ".special", default: false)
        normalized = try reader.bool(object["normalized"], path + ".normalized", default: !special)
        lstrip = try reader.bool(object["lstrip"], path + ".lstrip", default: false)
        rstrip = try reader.bool(object["rstrip"], path + ".rstrip", default: false)
        singleWord = try reader.bool(object["single_word"], path + ".single_word", default: false)
    }
}
