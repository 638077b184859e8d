import Foundation

/// How a model's loss grows when one matrix at a time is truncated: the measurements
/// `rankscope sensitivity` writes and `plan --sensitivity` / `eval --sensitivity` read
/// (``QualityPrediction`` turns them into a prediction for a whole plan).
///
/// The loss is the model's own: mean next-token log-loss in nats for a causal LM, 1 − mean
/// embedding cosine to the original for an encoder (0 for the original). Each point is one probe:
/// only that matrix replaced by its rank-k truncation (plain SVD, or data-aware with the
/// statistics), every other matrix as stored. The JSON layout is in docs/evaluation.md ("Sensitivity
/// profile").
public struct SensitivityProfile: Codable, Sendable, Equatable {
    /// The file format's name.
    public static let format = "rankscope-sensitivity"
    /// The layout's version written: 2 adds each probe's `loss_increase_std_error`; 3 adds each
    /// probe's (and joint probe's) increase per window, `loss_increase_windows`, and takes the
    /// standard errors between whole windows (``PairedStandardError``), so that a profile can be
    /// split into independent halves (``fold(_:)``). Versions 1 (no standard errors: its probes are
    /// taken as exact) and 2 (errors from 16-token blocks, no windows) are still read.
    public static let version = 3
    /// The versions read.
    public static let readableVersions: Set<Int> = [1, 2, 3]

    /// Which loss was measured.
    public enum Metric: String, Codable, Sendable {
        /// Mean next-token negative log-likelihood (nats) of a causal LM.
        case nextTokenLoss = "next_token_loss"
        /// 1 − mean cosine between an encoder's sentence embeddings and the original model's.
        case oneMinusEmbeddingCosine = "one_minus_embedding_cosine"

        /// For people.
        public var description: String {
            switch self {
            case .nextTokenLoss: return "next-token log-loss"
            case .oneMinusEmbeddingCosine: return "1 − embedding cosine"
            }
        }
    }

    /// How the probed matrices were truncated.
    public enum Truncation: String, Codable, Sendable {
        /// Plain SVD of W.
        case svd
        /// Data-aware: SVD of W·S with the statistics' whitening S.
        case dataAware = "data_aware"
    }

    /// What the measurement ran on; `key` identifies it in the cache.
    public struct Settings: Codable, Sendable, Equatable {
        /// The checkpoint path as given.
        public var checkpoint: String
        /// The text file.
        public var text: String
        /// Tokens per window (causal models), nil for an encoder.
        public var seqLen: Int?
        /// At most this many tokens of the text were used.
        public var maxTokens: Int
        /// Tokens the probes ran over.
        public var tokens: Int
        /// The activation-statistics file, nil for plain truncation.
        public var statistics: String?
        /// Plain or data-aware.
        public var truncation: Truncation
        /// Probe ranks as fractions of each matrix's full rank min(m, n).
        public var rankFractions: [Double]
        /// Factor bit widths probed besides 16 (empty: 16-bit factors only).
        public var bits: [Int]
        /// The cache key: the checkpoint's files, the text's bytes, the statistics file and the probes.
        public var key: String

        enum CodingKeys: String, CodingKey {
            case checkpoint, text, seqLen = "seq_len", maxTokens = "max_tokens", tokens, statistics, truncation
            case rankFractions = "rank_fractions", bits, key
        }

        /// Describes a measurement.
        public init(checkpoint: String, text: String, seqLen: Int?, maxTokens: Int, tokens: Int, statistics: String?,
                    truncation: Truncation, rankFractions: [Double], bits: [Int], key: String) {
            self.checkpoint = checkpoint
            self.text = text
            self.seqLen = seqLen
            self.maxTokens = maxTokens
            self.tokens = tokens
            self.statistics = statistics
            self.truncation = truncation
            self.rankFractions = rankFractions
            self.bits = bits
            self.key = key
        }
    }

    /// One probe of one matrix.
    public struct Point: Codable, Sendable, Equatable {
        /// The rank kept.
        public var rank: Int
        /// The factors' bit width.
        public var factorBits: Int
        /// Σ_{i>rank} σᵢ² / Σ σᵢ² of the matrix's spectrum (whitened for data-aware truncation).
        public var tailEnergy: Double
        /// The model's loss with this matrix truncated.
        public var loss: Double
        /// `loss − originalLoss`.
        public var lossIncrease: Double
        /// The standard error of `lossIncrease` (``PairedStandardError``); nil in version-1
        /// profiles and with too few tokens or sentences to estimate it.
        public var lossIncreaseStandardError: Double?
        /// The increase measured on each window (causal LMs) or sentence (encoders), in the text's
        /// order; `lossIncrease` is their mean (every window scores as many tokens). Nil before version 3.
        public var lossIncreaseWindows: [Double]?

        enum CodingKeys: String, CodingKey {
            case rank, factorBits = "factor_bits", tailEnergy = "tail_energy", loss, lossIncrease = "loss_increase"
            case lossIncreaseStandardError = "loss_increase_std_error", lossIncreaseWindows = "loss_increase_windows"
        }

        /// One measurement.
        public init(rank: Int, factorBits: Int, tailEnergy: Double, loss: Double, lossIncrease: Double, lossIncreaseStandardError: Double? = nil,
                    lossIncreaseWindows: [Double]? = nil) {
            self.rank = rank
            self.factorBits = factorBits
            self.tailEnergy = tailEnergy
            self.loss = loss
            self.lossIncrease = lossIncrease
            self.lossIncreaseStandardError = lossIncreaseStandardError
            self.lossIncreaseWindows = lossIncreaseWindows
        }
    }

    /// The probes of one matrix.
    public struct MatrixProbes: Codable, Sendable, Equatable {
        /// The checkpoint's tensor name (`….weight`).
        public var name: String
        /// m.
        public var rows: Int
        /// n.
        public var columns: Int
        /// The probes in the order measured.
        public var points: [Point]

        /// A matrix's probes.
        public init(name: String, rows: Int, columns: Int, points: [Point]) {
            self.name = name
            self.rows = rows
            self.columns = columns
            self.points = points
        }
    }

    /// Every probed matrix truncated at once at one rank fraction: the measurement the combination
    /// rule is calibrated by (``LossCombination``).
    public struct JointProbe: Codable, Sendable, Equatable {
        /// The fraction of each matrix's full rank kept (``SensitivityProfile/probeRank(fraction:fullRank:)``).
        public var rankFraction: Double
        /// The factors' bit width.
        public var factorBits: Int
        /// The model's loss with all of them truncated.
        public var loss: Double
        /// `loss − originalLoss`.
        public var lossIncrease: Double
        /// The standard error of `lossIncrease` between windows (nil before version 3).
        public var lossIncreaseStandardError: Double?
        /// The increase on each window or sentence, as ``Point/lossIncreaseWindows`` (nil before version 3).
        public var lossIncreaseWindows: [Double]?

        enum CodingKeys: String, CodingKey {
            case rankFraction = "rank_fraction", factorBits = "factor_bits", loss, lossIncrease = "loss_increase"
            case lossIncreaseStandardError = "loss_increase_std_error", lossIncreaseWindows = "loss_increase_windows"
        }

        /// One joint measurement.
        public init(rankFraction: Double, factorBits: Int, loss: Double, lossIncrease: Double, lossIncreaseStandardError: Double? = nil,
                    lossIncreaseWindows: [Double]? = nil) {
            self.rankFraction = rankFraction
            self.factorBits = factorBits
            self.loss = loss
            self.lossIncrease = lossIncrease
            self.lossIncreaseStandardError = lossIncreaseStandardError
            self.lossIncreaseWindows = lossIncreaseWindows
        }
    }

    /// The rank a probe at `fraction` keeps of a matrix of full rank `fullRank`: rounded, at least 1.
    public static func probeRank(fraction: Double, fullRank: Int) -> Int {
        min(fullRank, max(1, Int((Double(fullRank) * fraction).rounded())))
    }

    /// ``format``.
    public var format: String
    /// ``version``.
    public var version: Int
    /// Which loss.
    public var metric: Metric
    /// The original model's loss on the text.
    public var originalLoss: Double
    /// exp(originalLoss) for a causal LM.
    public var originalPerplexity: Double?
    /// Wall time of the measurement (summed over resumed runs).
    public var seconds: Double
    /// What it ran on.
    public var settings: Settings
    /// Compressible matrices the runtime does not use (e.g. BERT's pooler): truncating them changes nothing.
    public var unused: [String]
    /// Every probed matrix.
    public var matrices: [MatrixProbes]
    /// All matrices truncated together, one probe per rank fraction (nil in profiles measured
    /// before joint probes existed: those predict by plain addition).
    public var joint: [JointProbe]?

    enum CodingKeys: String, CodingKey {
        case format, version, metric, originalLoss = "original_loss", originalPerplexity = "original_perplexity", seconds
        case settings, unused, matrices, joint
    }

    /// A profile (``format`` and ``version`` filled in).
    public init(metric: Metric, originalLoss: Double, seconds: Double, settings: Settings, unused: [String], matrices: [MatrixProbes],
                joint: [JointProbe]? = nil) {
        format = Self.format
        version = Self.version
        self.metric = metric
        self.originalLoss = originalLoss
        originalPerplexity = metric == .nextTokenLoss ? Foundation.exp(originalLoss) : nil
        self.seconds = seconds
        self.settings = settings
        self.unused = unused
        self.matrices = matrices
        self.joint = joint
    }

    /// Whether any probe carries a standard error (false for version-1 profiles, whose probes are
    /// taken as exact by the shrinkage of ``ProbeShrinkage``).
    public var hasStandardErrors: Bool {
        matrices.contains { $0.points.contains { $0.lossIncreaseStandardError != nil } }
    }

    /// The probes of `name`, if measured.
    public func probes(of name: String) -> MatrixProbes? {
        matrices.first { $0.name == name }
    }

    /// The profile as pretty-printed JSON with sorted keys.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// Reads a profile file.
    ///
    /// - Throws: ``SensitivityProfileError`` naming the file: unreadable, not JSON of this layout,
    ///   or another format or version.
    public static func load(path: String) throws -> SensitivityProfile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SensitivityProfileError(path: path, problem: "cannot be read (no such file, or permission denied)")
        }
        return try decode(data, path: path)
    }

    /// Decodes a profile from `data` (read from `path`, for messages).
    public static func decode(_ data: Data, path: String) throws -> SensitivityProfile {
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            guard object["format"] as? String == format else {
                throw SensitivityProfileError(path: path, problem: "is not a rankscope sensitivity profile (its \"format\" must be \"\(format)\")")
            }
            guard let read = object["version"] as? Int, readableVersions.contains(read) else {
                throw SensitivityProfileError(path: path, problem: "is a sensitivity profile of another version (this rankscope reads versions 1 to \(version))")
            }
        }
        do {
            return try JSONDecoder().decode(SensitivityProfile.self, from: data)
        } catch {
            throw SensitivityProfileError(path: path, problem: "is not a valid sensitivity profile (\(Self.reason(error)))")
        }
    }

    private static func reason(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing \"\(key.stringValue)\"" + Self.place(context)
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "a value of the wrong type" + Self.place(context)
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "a bad value" + Self.place(context)
        default:
            return "unreadable"
        }
    }

    private static func place(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        return path.isEmpty ? "" : " at \(path)"
    }
}

/// A sensitivity profile file that cannot be used: one sentence naming it.
public struct SensitivityProfileError: Error, CustomStringConvertible, Equatable {
    /// The file.
    public let path: String
    /// What is wrong, after the file name.
    public let problem: String

    /// The sentence.
    public var description: String { "\(path): \(problem)." }
}
