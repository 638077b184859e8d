/// A `pre_tokenizer` of a `tokenizer.json`: cuts normalized text into the pieces the model
/// encodes one by one.
indirect enum PreTokenizer: Sendable {
    /// GPT-2's: optionally a leading space, optionally its regex split, then every byte mapped
    /// to ``ByteLevelAlphabet``.
    case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
    /// Split on a pattern with a delimiter behaviour, optionally inverted.
    case split(SplitPattern, SplitBehavior, invert: Bool)
    /// Split digits apart from the rest, each digit alone when `individual`.
    case digits(individual: Bool)
    /// BERT's: drop whitespace, isolate punctuation.
    case bert
    /// `\w+|[^\w\s]+` pieces.
    case whitespace
    /// Split on whitespace, dropping it.
    case whitespaceSplit
    /// Split on BERT punctuation with a behaviour.
    case punctuation(SplitBehavior)
    /// SentencePiece's: spaces become `replacement`, which may be prepended, and may start pieces.
    case metaspace(replacement: Unicode.Scalar, prepend: MetaspacePrepend, split: Bool)
    /// Several pre-tokenizers, in order.
    case sequence([PreTokenizer])

    /// When Metaspace puts its replacement character in front of a piece.
    enum MetaspacePrepend: String, Sendable {
        case always, first, never
    }

    /// The component names ``init(json:reader:path:)`` accepts, for the unsupported-type message.
    static let supportedTypes = ["ByteLevel", "Split", "Digits", "BertPreTokenizer", "Whitespace",
                                 "WhitespaceSplit", "Punctuation", "Metaspace", "Sequence"]

    /// GPT-2's pre-tokenization pattern.
    static let gpt2Pattern = RegexPattern(#"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#)!
    /// The Whitespace pre-tokenizer's pattern (the `regex` crate runs it, not Oniguruma).
    static let wordPattern = RegexPattern(#"\w+|[^\w\s]+"#, flavor: .rustRegex)!

    /// `pieces` cut further.
    func apply(_ pieces: [TextPiece]) -> [TextPiece] {
        switch self {
        case let .byteLevel(addPrefixSpace, useRegex):
            return pieces.flatMap { piece -> [TextPiece] in
                var piece = piece
                if addPrefixSpace && piece.scalars.first != " " { piece.scalars.insert(" ", at: 0) }
                // GPT-2's pattern matches every single character on its own, so a one-character
                // piece (each digit after Digits(individual_digits)) skips the regex engine.
                let parts = useRegex && piece.scalars.count > 1 ? piece.split(.regex(PreTokenizer.gpt2Pattern), .isolated) : [piece]
                return parts.map { TextPiece(scalars: ByteLevelAlphabet.encode($0.scalars), atStart: $0.atStart) }
            }
        case let .split(pattern, behavior, invert):
            return pieces.flatMap { $0.split(pattern, behavior, invert: invert) }
        case .digits(let individual):
            return pieces.flatMap { $0.split(.characters(.numeric), individual ? .isolated : .contiguous) }
        case .bert:
            return pieces.flatMap { $0.split(.characters(.whitespace), .removed) }
                .flatMap { $0.split(.characters(.bertPunctuation), .isolated) }
        case .whitespace:
            return pieces.flatMap { $0.split(.regex(PreTokenizer.wordPattern), .removed, invert: true) }
        case .whitespaceSplit:
            return pieces.flatMap { $0.split(.characters(.whitespace), .removed) }
        case .punctuation(let behavior):
            return pieces.flatMap { $0.split(.characters(.bertPunctuation), behavior) }
        case let .metaspace(replacement, prepend, split):
            return pieces.flatMap { piece -> [TextPiece] in
                var piece = piece
                piece.scalars = piece.scalars.map { $0 == " " ? replacement : $0 }
                let starts = piece.scalars.first == replacement
                switch prepend {
                case .always where !starts: piece.scalars.insert(replacement, at: 0)
                case .first where !starts && piece.atStart: piece.scalars.insert(replacement, at: 0)
                default: break
                }
                return split ? piece.split(.characters(.scalar(replacement)), .mergedWithNext) : [piece]
            }
        case .sequence(let preTokenizers):
            return preTokenizers.reduce(pieces) { $1.apply($0) }
        }
    }
}
