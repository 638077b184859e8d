/// The value side of a theme line (`yellow bold`, `on 236`, `reverse`) turned into a ``Style``.
enum ThemeValue {
    /// What is wrong with a value; ``sentence(key:)`` words it for the user.
    enum Problem: Error, Equatable {
        case empty
        case unknownWord(String)
        case twoColours(String)
        case backgroundMissing

        func sentence(key: String) -> String {
            switch self {
            case .empty:
                return "no value for \"\(key)\" (use a colour such as red, 0-255, or bold/dim/reverse/underline)"
            case .unknownWord(let word):
                return "unknown colour \"\(word)\" for \"\(key)\" (use default, a colour name such as red, 0-255, on COLOUR, or bold/dim/reverse/underline)"
            case .twoColours(let word):
                return "second foreground colour \"\(word)\" for \"\(key)\" (write \"on \(word)\" for a background)"
            case .backgroundMissing:
                return "\"on\" without a colour for \"\(key)\""
            }
        }
    }

    /// Parses the words of `value`.
    static func style(from value: Substring) -> Result<Style, Problem> {
        let words = value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard !words.isEmpty else { return .failure(.empty) }
        var style = Style.plain
        var foregroundSet = false
        var index = 0
        while index < words.count {
            let word = words[index]
            switch word.lowercased() {
            case "bold": style.bold = true
            case "dim": style.dim = true
            case "reverse": style.reverse = true
            case "underline": style.underline = true
            case "on":
                index += 1
                guard index < words.count else { return .failure(.backgroundMissing) }
                guard let c = Color(name: words[index]) else { return .failure(.unknownWord(words[index])) }
                style.background = c
            default:
                guard let c = Color(name: word) else { return .failure(.unknownWord(word)) }
                if foregroundSet { return .failure(.twoColours(word)) }
                style.foreground = c
                foregroundSet = true
            }
            index += 1
        }
        return .success(style)
    }
}
