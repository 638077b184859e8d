/// How a token stream is cut for evaluation and statistics.
public enum TokenWindows {
    /// Non-overlapping windows of exactly `length` tokens from the first `maximumTokens` ids
    /// (a shorter tail is dropped, as llama.cpp's perplexity does): every window is scored on
    /// the same context length.
    ///
    /// - Throws: ``EvaluationError/textShorterThanWindow(file:tokens:windowLength:)`` when not even
    ///   one window fits.
    public static func perplexityWindows(_ ids: [Int], length: Int, maximumTokens: Int, file: String) throws -> [[Int]] {
        try validate(length: length, maximumTokens: maximumTokens)
        let usable = min(ids.count, maximumTokens)
        guard usable >= length else {
            throw EvaluationError.textShorterThanWindow(file: file, tokens: usable, windowLength: length)
        }
        return stride(from: 0, through: usable - length, by: length).map { Array(ids[$0..<($0 + length)]) }
    }

    /// Chunks of `length` tokens from the first `maximumTokens` ids, the last one shorter if the
    /// count does not divide: exactly the chunks `scripts/collect-stats.py` feeds its model.
    public static func statisticsChunks(_ ids: [Int], length: Int, maximumTokens: Int, file: String) throws -> [[Int]] {
        try validate(length: length, maximumTokens: maximumTokens)
        let usable = min(ids.count, maximumTokens)
        guard usable > 0 else { throw EvaluationError.emptyText(file: file) }
        return stride(from: 0, to: usable, by: length).map { Array(ids[$0..<min($0 + length, usable)]) }
    }

    private static func validate(length: Int, maximumTokens: Int) throws {
        guard length > 0 else { throw EvaluationError.invalidLength(option: "--seq-len", value: length) }
        guard maximumTokens > 0 else { throw EvaluationError.invalidLength(option: "--max-tokens", value: maximumTokens) }
    }
}
