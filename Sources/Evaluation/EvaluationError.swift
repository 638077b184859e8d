/// A problem with the evaluation input, as one sentence naming the file.
public enum EvaluationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text yields fewer tokens than one window needs.
    case textShorterThanWindow(file: String, tokens: Int, windowLength: Int)
    /// The text holds no tokens at all.
    case emptyText(file: String)
    /// The text holds fewer than two sentences, so no pairwise similarity exists.
    case tooFewSentences(file: String, count: Int)
    /// `--seq-len` or `--max-tokens` is not positive.
    case invalidLength(option: String, value: Int)

    /// One sentence a person can act on.
    public var description: String {
        switch self {
        case .textShorterThanWindow(let file, let tokens, let windowLength):
            return "\(file): the text has \(tokens) tokens, fewer than one window of \(windowLength); give a longer text or a smaller --seq-len."
        case .emptyText(let file):
            return "\(file): the text holds no tokens."
        case .tooFewSentences(let file, let count):
            return "\(file): an encoder is evaluated on one sentence a line, and the file has \(count); give at least two."
        case .invalidLength(let option, let value):
            return "\(option) must be a positive number of tokens, not \(value)."
        }
    }
}
