/// The perplexity of a causal model over a set of windows, and how fast it was computed.
public struct PerplexityResult: Sendable, Equatable {
    /// `exp(mean negative log-likelihood)` over every predicted token.
    public let perplexity: Double
    /// The summed negative log-likelihood (natural log).
    public let negativeLogLikelihood: Double
    /// Tokens whose likelihood was scored (window length − 1 per window).
    public let predictedTokens: Int
    /// Tokens run through the model (window length per window).
    public let tokens: Int
    /// Wall time of the forward passes.
    public let seconds: Double
    /// Each window's mean negative log-likelihood (natural log), in the windows' order: the
    /// spread between windows says how far another stretch of text may move the figure.
    public let windowLosses: [Double]

    /// Forward-pass throughput.
    public var tokensPerSecond: Double { seconds > 0 ? Double(tokens) / seconds : 0 }
}
