/// Horizontal placement of text inside a wider column.
public enum Alignment: Hashable, Sendable {
    /// Flush left.
    case left
    /// Centred (extra column goes to the right).
    case center
    /// Flush right: the habit for numbers.
    case right

    /// Left padding needed to place text of `textWidth` columns inside `width` columns (never negative).
    public func offset(textWidth: Int, in width: Int) -> Int {
        guard width > textWidth, textWidth >= 0 else { return 0 }
        let slack = width - textWidth
        switch self {
        case .left: return 0
        case .center: return slack / 2
        case .right: return slack
        }
    }
}
