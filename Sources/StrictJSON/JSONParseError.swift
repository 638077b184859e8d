/// A JSON document that could not be parsed, with the position of the first problem.
///
/// The description reads like `line 3, column 14: expected ',' or '}' after object member.`
/// so callers can prefix it with a file name and show it to a person as one sentence.
public struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of problem was found, for callers that react differently to some of them.
    public enum Kind: Equatable, Sendable {
        /// The text is not well-formed JSON (unexpected character, missing comma, bad escape…).
        case syntax
        /// The bytes are not valid UTF-8.
        case invalidUTF8
        /// An object holds the same key twice and the parser was told to reject that.
        case duplicateKey(String)
        /// Arrays and objects are nested deeper than the parser's limit.
        case nestingTooDeep
    }

    /// What kind of problem was found.
    public let kind: Kind
    /// A lower-case phrase describing the problem, without position or final period.
    public let message: String
    /// Where the problem is.
    public let position: SourcePosition

    /// Creates an error; normally only the parser does this.
    public init(kind: Kind, message: String, position: SourcePosition) {
        self.kind = kind
        self.message = message
        self.position = position
    }

    /// `line L, column C: message.`
    public var description: String { "\(position): \(message)." }
}
