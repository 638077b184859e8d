/// What a split does with the delimiters it finds (`tokenizers`' `SplitDelimiterBehavior`).
enum SplitBehavior: String, Sendable {
    case removed = "Removed"
    case isolated = "Isolated"
    case mergedWithPrevious = "MergedWithPrevious"
    case mergedWithNext = "MergedWithNext"
    case contiguous = "Contiguous"

    /// The ranges to keep, given the match/non-match parts of a piece (in order, covering it).
    func pieces(_ parts: [(range: Range<Int>, isMatch: Bool)]) -> [Range<Int>] {
        switch self {
        case .isolated:
            return parts.map(\.range)
        case .removed:
            return parts.filter { !$0.isMatch }.map(\.range)
        case .contiguous:
            var out: [Range<Int>] = []
            var previousMatch = false
            for part in parts {
                if part.isMatch == previousMatch, let last = out.last {
                    out[out.count - 1] = last.lowerBound..<part.range.upperBound
                } else {
                    out.append(part.range)
                }
                previousMatch = part.isMatch
            }
            return out
        case .mergedWithPrevious:
            var out: [Range<Int>] = []
            var previousMatch = false
            for part in parts {
                if part.isMatch && !previousMatch, let last = out.last {
                    out[out.count - 1] = last.lowerBound..<part.range.upperBound
                } else {
                    out.append(part.range)
                }
                previousMatch = part.isMatch
            }
            return out
        case .mergedWithNext:
            var out: [Range<Int>] = []
            var previousMatch = false
            for part in parts.reversed() {
                if part.isMatch && !previousMatch, let last = out.last {
                    out[out.count - 1] = part.range.lowerBound..<last.upperBound
                } else {
                    out.append(part.range)
                }
                previousMatch = part.isMatch
            }
            return out.reversed()
        }
    }
}
