/// Finds added tokens in text as `tokenizers` does: leftmost-longest matches over a byte trie,
/// then the tokens' `single_word`, `lstrip` and `rstrip` rules; the rest is left as text.
struct AddedTokenMatcher: Sendable {
    /// A trie node: children by byte, and the token ending here, if any.
    private struct Node: Sendable {
        var children: [UInt8: Int32] = [:]
        var token: Int32 = -1
    }

    /// One stretch of the input: an added token's index, or plain text.
    enum Segment: Equatable {
        case token(Int)
        case text(Range<Int>)
    }

    private var nodes: [Node] = [Node()]
    /// The tokens, indexed by what the trie stores.
    let tokens: [AddedToken]
    /// The UTF-8 length of each token's pattern.
    private let patternLengths: [Int]

    /// A matcher for `patterns` (each the text to match and its token).
    init(_ patterns: [(bytes: [UInt8], token: AddedToken)]) {
        tokens = patterns.map(\.token)
        patternLengths = patterns.map(\.bytes.count)
        for (index, pattern) in patterns.enumerated() where !pattern.bytes.isEmpty {
            var node = 0
            for byte in pattern.bytes {
                if let child = nodes[node].children[byte] {
                    node = Int(child)
                } else {
                    nodes.append(Node())
                    nodes[node].children[byte] = Int32(nodes.count - 1)
                    node = nodes.count - 1
                }
            }
            nodes[node].token = Int32(index)
        }
    }

    /// True when no token can match.
    var isEmpty: Bool { nodes[0].children.isEmpty }

    /// `scalars` cut into added tokens and text (covering it in order; text stretches may be empty).
    func segments(_ scalars: [Unicode.Scalar]) -> [Segment] {
        if isEmpty || scalars.isEmpty { return [.text(0..<scalars.count)] }
        // Match over UTF-8 bytes; tokens are valid UTF-8, so matches start and end on characters.
        var bytes: [UInt8] = []
        var scalarAt: [Int] = []   // byte offset → scalar index (for the first byte of each scalar)
        bytes.reserveCapacity(scalars.count)
        for (i, c) in scalars.enumerated() {
            UTF8.encode(c) { bytes.append($0); scalarAt.append(i) }
        }
        scalarAt.append(scalars.count)
        var segments: [Segment] = []
        var startOffset = 0   // in scalars
        var position = 0
        while position < bytes.count {
            var node = 0
            var best: (token: Int, end: Int)?
            var i = position
            while i < bytes.count, let child = nodes[node].children[bytes[i]] {
                node = Int(child)
                i += 1
                if nodes[node].token >= 0 { best = (Int(nodes[node].token), i) }
            }
            guard let match = best else { position += 1; continue }
            position = match.end
            let token = tokens[match.token]
            let matchStart = scalarAt[match.end - patternLengths[match.token]]
            var stop = scalarAt[match.end]
            var begin = matchStart
            if token.singleWord {
                let startSpace = begin == 0 || !UnicodeClass.isWord(scalars[begin - 1])
                let stopSpace = stop == scalars.count || !UnicodeClass.isWord(scalars[stop])
                if !startSpace || !stopSpace { continue }
            }
            if token.lstrip {
                var newStart = begin
                while newStart > 0 && UnicodeClass.isWhitespace(scalars[newStart - 1]) { newStart -= 1 }
                begin = max(newStart, startOffset)
            }
            if token.rstrip {
                while stop < scalars.count && UnicodeClass.isWhitespace(scalars[stop]) { stop += 1 }
            }
            if startOffset < begin { segments.append(.text(startOffset..<begin)) }
            segments.append(.token(match.token))
            startOffset = stop
        }
        if startOffset < scalars.count { segments.append(.text(startOffset..<scalars.count)) }
        return segments
    }
}
