import StrictJSON

/// A `decoder` of a `tokenizer.json`: turns token strings back into text.
indirect enum TokenDecoder: Sendable {
    /// Map ``ByteLevelAlphabet`` characters back to bytes, then UTF-8 (invalid bytes become U+FFFD).
    case byteLevel
    /// Join WordPiece tokens: `prefix` glues to the previous token, others get a space;
    /// `cleanup` removes spaces before punctuation and contractions.
    case wordPiece(prefix: String, cleanup: Bool)
    /// Replace the Metaspace character by spaces (none in the first token when prepending).
    case metaspace(replacement: Unicode.Scalar, prepend: PreTokenizer.MetaspacePrepend)
    /// Replace a pattern in each token.
    case replace(SplitPattern, [Unicode.Scalar])
    /// Runs of `<0xNN>` tokens become the text of their bytes (U+FFFD per byte when invalid).
    case byteFallback
    /// Join all tokens into one.
    case fuse
    /// Remove up to `start` leading and `stop` trailing `content` characters from each token.
    case strip(content: Unicode.Scalar, start: Int, stop: Int)
    /// BPE's `end_of_word_suffix` becomes a space (nothing after the last token).
    case bpe(suffix: String)
    /// Several decoders, in order.
    case sequence([TokenDecoder])

    /// The component names ``init(json:reader:path:)`` accepts, for the unsupported-type message.
    static let supportedTypes = ["ByteLevel", "WordPiece", "Metaspace", "Replace", "ByteFallback", "Fuse", "Strip", "BPEDecoder", "Sequence"]

    /// `tokens` decoded (still a list: the caller joins them).
    func decode(_ tokens: [String]) -> [String] {
        switch self {
        case .byteLevel:
            var bytes: [UInt8] = []
            for token in tokens {
                var mapped: [UInt8] = []
                var all = true
                for c in token.unicodeScalars {
                    guard let byte = ByteLevelAlphabet.byteOfCharacter[c.value] else { all = false; break }
                    mapped.append(byte)
                }
                bytes += all ? mapped : Array(token.utf8)
            }
            return [String(decoding: bytes, as: UTF8.self)]
        case let .wordPiece(prefix, cleanup):
            return tokens.enumerated().map { i, token in
                var text = token
                if i != 0 {
                    if text.utf8.starts(with: prefix.utf8) {
                        text = String(decoding: text.utf8.dropFirst(prefix.utf8.count), as: UTF8.self)
                    } else {
                        text = " " + text
                    }
                }
                return cleanup ? TokenDecoder.cleanUp(text) : text
            }
        case let .metaspace(replacement, prepend):
            return tokens.enumerated().map { i, token in
                var out = String.UnicodeScalarView()
                for c in token.unicodeScalars {
                    if c == replacement {
                        if !(i == 0 && prepend != .never) { out.append(" ") }
                    } else {
                        out.append(c)
                    }
                }
                return String(out)
            }
        case let .replace(pattern, content):
            return tokens.map { ScalarText.string(Normalizer.replace(pattern, content).apply(ScalarText.scalars($0))) }
        case .byteFallback:
            var out: [String] = []
            var pending: [UInt8] = []
            func flush() {
                if pending.isEmpty { return }
                if let text = String(validatingUTF8Bytes: pending) {
                    out.append(text)
                } else {
                    out += Array(repeating: "\u{FFFD}", count: pending.count)
                }
                pending.removeAll()
            }
            for token in tokens {
                let utf8 = Array(token.utf8)
                if utf8.count == 6, utf8.starts(with: Array("<0x".utf8)), utf8[5] == UInt8(ascii: ">"),
                   let byte = UInt8(String(decoding: utf8[3..<5], as: UTF8.self), radix: 16) {
                    pending.append(byte)
                } else {
                    flush()
                    out.append(token)
                }
            }
            flush()
            return out
        case .fuse:
            return [tokens.joined()]
        case let .strip(content, start, stop):
            return tokens.map { token in
                var scalars = ScalarText.scalars(token)
                var leading = 0
                while leading < start && leading < scalars.count && scalars[leading] == content { leading += 1 }
                scalars.removeFirst(leading)
                var trailing = 0
                while trailing < stop && trailing < scalars.count && scalars[scalars.count - 1 - trailing] == content { trailing += 1 }
                scalars.removeLast(trailing)
                return ScalarText.string(scalars)
            }
        case .bpe(let suffix):
            return tokens.enumerated().map { i, token in
                token.replacingAll(suffix, with: i == tokens.count - 1 ? "" : " ")
            }
        case .sequence(let decoders):
            return decoders.reduce(tokens) { $1.decode($0) }
        }
    }

    /// WordPiece's clean-up of tokenization spaces.
    static func cleanUp(_ text: String) -> String {
        var out = text
        for (from, to) in [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                           (" 'm", "'m"), (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")] {
            out = out.replacingAll(from, with: to)
        }
        return out
    }
}
