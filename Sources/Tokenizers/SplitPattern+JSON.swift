import StrictJSON

extension SplitPattern {
    /// Reads a `{"String": …}` or `{"Regex": …}` pattern of a `tokenizer.json`.
    init(json: JSONValue?, reader: TokenizerFileReader, path: String) throws {
        let object = try reader.object(json, path)
        if let literal = object["String"] {
            self = .literal(ScalarText.scalars(try reader.string(literal, path + ".String")))
        } else if let source = object["Regex"] {
            let text = try reader.string(source, path + ".Regex")
            guard let regex = RegexPattern(text) else {
                throw reader.invalid(path + ".Regex", "is \(JSONWriter.quoted(text)), which ICU cannot compile as a regular expression")
            }
            self = .regex(regex)
        } else {
            throw reader.invalid(path, "must hold \"String\" or \"Regex\"")
        }
    }
}
