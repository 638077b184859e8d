/// Why a theme (or the config file naming one) could not be used; the message names the file
/// and, for a bad line, the line.
public enum ThemeError: Error, Equatable, CustomStringConvertible {
    /// A line that is neither blank, a `#` comment, nor `key = value`.
    case malformedLine(file: String, line: Int, reason: String)
    /// The file could not be read.
    case unreadable(file: String, reason: String)
    /// No `NAME.theme` in any searched directory.
    case unknownName(name: String, searched: [String], available: [String])

    /// One sentence for the user, e.g. `Themes/light.theme:7: unknown colour "grene" for …`.
    public var description: String {
        switch self {
        case let .malformedLine(file, line, reason):
            return "\(file):\(line): \(reason)"
        case let .unreadable(file, reason):
            return "\(file): cannot read theme file: \(reason)"
        case let .unknownName(name, searched, available):
            let where_ = searched.isEmpty ? "no Themes folder was found" : "looked in " + searched.joined(separator: ", ")
            let names = available.isEmpty ? "" : "; available: " + available.joined(separator: ", ")
            return "no theme named \"\(name)\" (\(where_)\(names)); give a name or the path of a .theme file"
        }
    }
}
