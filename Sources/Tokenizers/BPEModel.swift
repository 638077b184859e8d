/// Byte-pair encoding as `tokenizers`' `models.BPE` runs it: split a piece into characters
/// (with `continuing_subword_prefix` / `end_of_word_suffix`, byte fallback to `<0xNN>` tokens,
/// unknown-token fusing), then apply merges lowest rank first, leftmost first among equals.
struct BPEModel: Sendable {
    /// Token ↔ id.
    let vocabulary: Vocabulary
    /// Pair (left id << 32 | right id) → (rank << 32 | merged id).
    let merges: [UInt64: UInt64]
    /// Id of each token made of one scalar, for the common case with no prefix or suffix.
    let singleScalarIDs: [UInt32: Int32]
    /// The unknown token's id, when the model has one.
    let unknownID: Int?
    /// Prefix of every non-initial character's token (`##` in some files).
    let continuingSubwordPrefix: [UInt8]?
    /// Suffix of the last character's token (`</w>` in some files).
    let endOfWordSuffix: [UInt8]?
    /// Whether consecutive unknown characters become one unknown token.
    let fuseUnknown: Bool
    /// Whether characters outside the vocabulary become their UTF-8 bytes as `<0xNN>` tokens.
    let byteFallback: Bool
    /// Whether a piece that is itself a token skips merging.
    let ignoreMerges: Bool
    /// Id of `<0xNN>` for each byte, when present.
    let byteTokenIDs: [Int32?]

    /// Ids for one pre-tokenized piece, appended to `ids`; `cache` remembers pieces already seen.
    func encode(_ piece: [Unicode.Scalar], into ids: inout [Int], cache: inout [[Unicode.Scalar]: [Int32]]) {
        if piece.isEmpty { return }
        if let known = cache[piece] {
            for id in known { ids.append(Int(id)) }
            return
        }
        var result: [Int32]
        if ignoreMerges, let whole = vocabulary.id(bytes: ScalarText.utf8(piece)) {
            result = [Int32(whole)]
        } else {
            result = initialSymbols(piece)
            mergeAll(&result)
        }
        cache[piece] = result
        for id in result { ids.append(Int(id)) }
    }

    /// The piece as one symbol per character (or per byte, or unknown), before merging.
    func initialSymbols(_ piece: [Unicode.Scalar]) -> [Int32] {
        var symbols: [Int32] = []
        symbols.reserveCapacity(piece.count)
        var pendingUnknown = false
        let plain = continuingSubwordPrefix == nil && endOfWordSuffix == nil
        for (i, c) in piece.enumerated() {
            var found: Int32?
            var key: [UInt8] = []
            if plain {
                found = singleScalarIDs[c.value]
            } else {
                if i > 0, let prefix = continuingSubwordPrefix { key.append(contentsOf: prefix) }
                ScalarText.appendUTF8(CollectionOfOne(c), to: &key)
                if i == piece.count - 1, let suffix = endOfWordSuffix { key.append(contentsOf: suffix) }
                found = vocabulary.id(bytes: key).map { Int32($0) }
            }
            if let found {
                if pendingUnknown, let unknownID { symbols.append(Int32(unknownID)); pendingUnknown = false }
                symbols.append(found)
                continue
            }
            if byteFallback {
                if plain { ScalarText.appendUTF8(CollectionOfOne(c), to: &key) }
                let bytes = key.map { byteTokenIDs[Int($0)] }
                if bytes.allSatisfy({ $0 != nil }) {
                    symbols.append(contentsOf: bytes.map { $0! })
                    continue
                }
            }
            if let unknownID {
                if pendingUnknown && !fuseUnknown { symbols.append(Int32(unknownID)) }
                pendingUnknown = true
            }
        }
        if pendingUnknown, let unknownID { symbols.append(Int32(unknownID)) }
        return symbols
    }

    /// Applies merges to `symbols` in place: lowest rank first, leftmost among equal ranks.
    func mergeAll(_ symbols: inout [Int32]) {
        let count = symbols.count
        if count < 2 { return }
        var next = Array(1...count)
        next[count - 1] = -1
        var previous = Array(-1..<(count - 1))
        var removed = [Bool](repeating: false, count: count)
        var queue = MergeQueue()
        for pos in 0..<(count - 1) {
            if let merge = merges[pairKey(symbols[pos], symbols[pos + 1])] { queue.push(merge, at: pos) }
        }
        while let top = queue.pop() {
            let pos = top.position
            if removed[pos] { continue }
            let right = next[pos]
            if right < 0 { continue }
            guard let current = merges[pairKey(symbols[pos], symbols[right])], Int32(truncatingIfNeeded: current) == top.mergedID else {
                continue
            }
            symbols[pos] = top.mergedID
            removed[right] = true
            let after = next[right]
            next[pos] = after
            if after >= 0 { previous[after] = pos }
            let before = previous[pos]
            if before >= 0, let merge = merges[pairKey(symbols[before], symbols[pos])] { queue.push(merge, at: before) }
            if after >= 0, let merge = merges[pairKey(symbols[pos], symbols[after])] { queue.push(merge, at: pos) }
        }
        var kept: [Int32] = []
        kept.reserveCapacity(count)
        var pos = 0
        while pos >= 0 {
            kept.append(symbols[pos])
            pos = next[pos]
        }
        symbols = kept
    }

    /// The merge table's key for a pair of ids.
    @inline(__always) func pairKey(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }
}
