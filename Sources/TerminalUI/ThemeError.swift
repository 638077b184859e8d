/// Why a theme file could not be used; the message names the file and line.
public enum ThemeError: Error, Equatable, CustomStringConvertible {
    /// A line that is neither blank, a `#` comment, nor `key = colour`.
    case malformedLine(file: String, line: Int, reason: String)
    /// The file could not be read.
    case unreadable(file: String, reason: String)

    /// One sentence for the user, e.g. `default.theme:7: "chart.line = grene": unknown colour …`.
    public var description: String {
        switch self {
        case let .malformedLine(file, line, reason):
            return "\(file):\(line): \(reason)"
        case let .unreadable(file, reason):
            return "\(file): cannot read theme file: \(reason)"
        }
    }
}
