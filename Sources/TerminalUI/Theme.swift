#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Named colours read from a `Themes/*.theme` file.
///
/// Format: one `key = colour` per line; blank lines and lines starting with `#` are ignored,
/// as is anything after a `#` on a line. Keys are non-empty and contain no spaces or `=`;
/// colours are `default`, a basic curses name (`black red green yellow blue magenta cyan
/// white`) or a 256-colour index `0`–`255`. Keys the program does not know are kept (a newer
/// theme may name things an older program ignores); a repeated key takes its last value.
public struct Theme: Equatable {
    /// Every key read, with its colour.
    public private(set) var colors: [String: Color]

    /// Creates a theme from colours directly.
    public init(colors: [String: Color] = [:]) { self.colors = colors }

    /// The colour for `key`, if the theme has one.
    public subscript(key: String) -> Color? { colors[key] }

    /// The colour for `key`, or `fallback` when the theme lacks it.
    public func color(_ key: String, default fallback: Color = .default) -> Color {
        colors[key] ?? fallback
    }

    /// A style with `foreground` (and optionally `background`) looked up by key; missing keys
    /// give the terminal default.
    public func style(foreground: String, background: String? = nil) -> Style {
        Style(foreground: color(foreground), background: background.map { color($0) } ?? .default)
    }

    /// Parses theme text; `fileName` is used in error messages.
    /// - Throws: `ThemeError.malformedLine` for the first bad line.
    public static func parse(_ text: String, fileName: String) throws -> Theme {
        var colors: [String: Color] = [:]
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(raw)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmingSpaces
            if trimmed.isEmpty { continue }
            guard let eq = trimmed.firstIndex(of: "=") else {
                throw ThemeError.malformedLine(file: fileName, line: lineNumber,
                                               reason: "expected \"key = colour\", found \"\(trimmed)\"")
            }
            let key = trimmed[..<eq].trimmingSpaces
            let value = trimmed[trimmed.index(after: eq)...].trimmingSpaces
            guard !key.isEmpty, !key.contains(where: { $0 == " " || $0 == "\t" }) else {
                throw ThemeError.malformedLine(file: fileName, line: lineNumber,
                                               reason: "key must be one word before \"=\", found \"\(key)\"")
            }
            guard let c = Color(name: String(value)) else {
                throw ThemeError.malformedLine(file: fileName, line: lineNumber,
                    reason: "unknown colour \"\(value)\" for \"\(key)\" (use default, a colour name such as red, or 0-255)")
            }
            colors[String(key)] = c
        }
        return Theme(colors: colors)
    }

    /// Reads and parses the theme file at `path`; errors name the file by its last path component.
    /// - Throws: `ThemeError.unreadable` or `ThemeError.malformedLine`.
    public static func load(path: String) throws -> Theme {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let f = fopen(path, "rb") else {
            throw ThemeError.unreadable(file: name, reason: String(cString: strerror(errno)))
        }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n > 0 { bytes.append(contentsOf: chunk[0..<n]) }
            if n < chunk.count { break }
            if bytes.count > 1 << 20 { throw ThemeError.unreadable(file: name, reason: "file is larger than 1 MiB") }
        }
        if ferror(f) != 0 { throw ThemeError.unreadable(file: name, reason: "read error") }
        return try parse(String(decoding: bytes, as: UTF8.self), fileName: name)
    }
}
