import StrictJSON

/// Why a `tokenizer.json` could not be loaded; each case reads as one sentence naming the file.
public enum TokenizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read at all (missing, unreadable); `reason` is the system's words.
    case unreadable(file: String, reason: String)
    /// The file is not well-formed JSON; the parser's error carries the line and column.
    case malformedJSON(file: String, error: JSONParseError)
    /// The JSON is well formed but a field is missing or has the wrong shape; `path` is the
    /// dotted location (`model.vocab`), `problem` finishes the sentence ("must be an object").
    case invalid(file: String, path: String, problem: String)
    /// A component names a `type` this module does not implement; `component` is the section
    /// ("normalizer", "pre_tokenizer", "model", "post_processor", "decoder").
    case unsupported(file: String, component: String, type: String, supported: [String])

    /// One sentence for a person.
    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "Cannot read tokenizer file \(file): \(reason)."
        case let .malformedJSON(file, error):
            return "\(file) is not valid JSON at \(error)"
        case let .invalid(file, path, problem):
            return "\(file): \(path) \(problem)."
        case let .unsupported(file, component, type, supported):
            return "\(file) uses a \(component) of type \(JSONWriter.quoted(type)), which rankscope's tokenizer does not support"
                + " (supported: \(supported.joined(separator: ", ")))."
        }
    }
}
