#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Named styles read from a `Themes/*.theme` file.
///
/// Format: one `key = value` per line; blank lines and lines starting with `#` are ignored,
/// as is anything after a `#` on a line. Keys are non-empty and contain no spaces or `=`.
/// A value is one or more words, in any order:
/// - at most one foreground colour: `default`, a basic curses name (`black red green yellow
///   blue magenta cyan white`) or a 256-colour index `0`–`255`;
/// - `on COLOUR` for a background colour;
/// - attributes `bold`, `dim`, `reverse`, `underline` (a monochrome theme uses only these).
///
/// Keys the program does not know are kept (a newer theme may name things an older program
/// ignores); a repeated key takes its last value.
public struct Theme: Equatable, Sendable {
    /// Every key read, with its full style.
    public private(set) var styles: [String: Style]

    /// Every key read, with its foreground colour.
    public var colors: [String: Color] { styles.mapValues(\.foreground) }

    /// Creates a theme from foreground colours directly.
    public init(colors: [String: Color] = [:]) { self.styles = colors.mapValues { Style(foreground: $0) } }

    /// Creates a theme from full styles directly.
    public init(styles: [String: Style]) { self.styles = styles }

    /// The foreground colour for `key`, if the theme has one.
    public subscript(key: String) -> Color? { styles[key]?.foreground }

    /// The foreground colour for `key`, or `fallback` when the theme lacks it.
    public func color(_ key: String, default fallback: Color = .default) -> Color {
        styles[key]?.foreground ?? fallback
    }

    /// The whole style (colours and attributes) for `key`, or `fallback` when the theme lacks it.
    public func style(_ key: String, default fallback: Style = .plain) -> Style {
        styles[key] ?? fallback
    }

    /// A style with `foreground` (and optionally `background`) looked up by key; missing keys
    /// give the terminal default.
    public func style(foreground: String, background: String? = nil) -> Style {
        Style(foreground: color(foreground), background: background.map { color($0) } ?? .default)
    }

    /// Parses theme text; `fileName` is used in error messages.
    /// - Throws: `ThemeError.malformedLine` for the first bad line.
    public static func parse(_ text: String, fileName: String) throws -> Theme {
        var styles: [String: Style] = [:]
        for entry in try KeyValueLines.parse(text, fileName: fileName) {
            switch ThemeValue.style(from: entry.value) {
            case .success(let style): styles[entry.key] = style
            case .failure(let problem):
                throw ThemeError.malformedLine(file: fileName, line: entry.line, reason: problem.sentence(key: entry.key))
            }
        }
        return Theme(styles: styles)
    }

    /// Reads and parses the theme file at `path`; errors name the file by `path` as given.
    /// - Throws: `ThemeError.unreadable` or `ThemeError.malformedLine`.
    public static func load(path: String) throws -> Theme {
        try parse(readSmallTextFile(path), fileName: path)
    }

    /// The text of a file of at most 1 MiB (themes and the config file).
    /// - Throws: `ThemeError.unreadable` naming `path`.
    static func readSmallTextFile(_ path: String) throws -> String {
        guard let f = fopen(path, "rb") else {
            throw ThemeError.unreadable(file: path, reason: String(cString: strerror(errno)))
        }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
            if n < chunk.count { break }
            if bytes.count > 1 << 20 { throw ThemeError.unreadable(file: path, reason: "file is larger than 1 MiB") }
        }
        if ferror(f) != 0 { throw ThemeError.unreadable(file: path, reason: "read error") }
        return String(decoding: bytes, as: UTF8.self)
    }
}
