#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The user's settings file, `$XDG_CONFIG_HOME/rankscope/config` (or `~/.config/rankscope/config`
/// when `XDG_CONFIG_HOME` is unset): `key = value` lines, `#` comments, as in theme files.
///
/// Known keys: `theme = NAME` (a theme in a `Themes` folder, see ``ThemeLocator``) or
/// `theme = PATH` (a `.theme` file; relative paths are relative to the config file's folder).
/// Other keys are kept for later settings and otherwise ignored.
public struct RankscopeConfig: Equatable {
    /// Where the settings were read from.
    public let path: String
    /// Every key with its value and 1-based line number (a repeated key keeps its last line).
    public let entries: [String: Setting]

    /// One setting and where it was written.
    public struct Setting: Equatable {
        /// The value after `=`.
        public let value: String
        /// Its 1-based line number.
        public let line: Int

        /// Creates a setting.
        public init(value: String, line: Int) {
            self.value = value
            self.line = line
        }
    }

    /// Parses config text; `path` names the file in errors and anchors relative paths.
    /// - Throws: `ThemeError.malformedLine` naming `path` and the line.
    public init(text: String, path: String) throws {
        self.path = path
        var entries: [String: Setting] = [:]
        for entry in try KeyValueLines.parse(text, fileName: path) {
            guard !entry.value.isEmpty else {
                throw ThemeError.malformedLine(file: path, line: entry.line, reason: "no value for \"\(entry.key)\"")
            }
            entries[entry.key] = Setting(value: String(entry.value), line: entry.line)
        }
        self.entries = entries
    }

    /// The `theme` setting, if any.
    public var theme: Setting? { entries["theme"] }

    /// The folder holding the config file.
    public var directory: String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `$XDG_CONFIG_HOME/rankscope/config`, else `$HOME/.config/rankscope/config`; nil when neither is set.
    public static func defaultPath(environment: [String: String]) -> String? {
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return xdg + "/rankscope/config" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.config/rankscope/config" }
        return nil
    }

    /// Reads the config at `path`; nil when there is no such file.
    /// - Throws: `ThemeError.unreadable` or `ThemeError.malformedLine`.
    public static func load(path: String) throws -> RankscopeConfig? {
        guard access(path, F_OK) == 0 else { return nil }
        return try RankscopeConfig(text: Theme.readSmallTextFile(path), path: path)
    }
}
