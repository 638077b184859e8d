#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the theme the user chose: `--theme NAME|PATH` first, then `theme = …` in the config
/// file, then `default`.
///
/// A choice containing `/` or ending in `.theme` is a file path; anything else is a name looked
/// up as `NAME.theme` in ``directories`` in order. The name `default` falls back to the embedded
/// ``Theme/builtInDefault`` when no folder has it, so the binary works without the repository.
public struct ThemeLocator: Equatable {
    /// Folders searched for `NAME.theme`, in order.
    public var directories: [String]

    /// Searches `directories`.
    public init(directories: [String]) { self.directories = directories }

    /// The usual folders: `./Themes`; the first `Themes` folder found walking up from the
    /// executable's folder (a binary built in `.build/…` inside the repository finds the
    /// repository's); and `<prefix>/share/rankscope/Themes` beside an installed `bin/`.
    /// Only folders that exist are kept.
    public static func standard(executablePath: String? = ThemeLocator.executablePath()) -> ThemeLocator {
        var candidates = [currentDirectory() + "/Themes"]
        if let exe = executablePath, let slash = exe.lastIndex(of: "/") {
            var folder = String(exe[..<slash])
            candidates.append(folder + "/../share/rankscope/Themes")
            for _ in 0..<6 {
                candidates.append(folder + "/Themes")
                guard let up = folder.lastIndex(of: "/"), up != folder.startIndex else { break }
                folder = String(folder[..<up])
            }
        }
        var seen = Set<String>()
        let existing = candidates.filter(isDirectory).map(realPath).filter { seen.insert($0).inserted }
        return ThemeLocator(directories: existing)
    }

    /// The theme for a `--theme` value (`flag`), else the config's `theme`, else `default`.
    /// - Throws: ``ThemeError``; a bad config value is reported at its line in the config file.
    public func choose(flag: String?, config: RankscopeConfig?) throws -> Theme {
        if let flag { return try theme(flag) }
        if let config, let setting = config.theme {
            do {
                return try theme(setting.value, relativeTo: config.directory)
            } catch ThemeError.unknownName(let name, let searched, let available) {
                let reason = ThemeError.unknownName(name: name, searched: searched, available: available).description
                throw ThemeError.malformedLine(file: config.path, line: setting.line, reason: reason)
            }
        }
        return try theme("default")
    }

    /// The theme named or pointed to by `choice` (see the type's documentation).
    /// - Parameter base: folder that relative paths start from (the working directory when nil).
    /// - Throws: ``ThemeError``.
    public func theme(_ choice: String, relativeTo base: String? = nil) throws -> Theme {
        if choice.contains("/") || choice.hasSuffix(".theme") {
            let path = choice.hasPrefix("/") || base == nil ? choice : base! + "/" + choice
            return try Theme.load(path: path)
        }
        for folder in directories {
            let path = folder + "/" + choice + ".theme"
            if access(path, F_OK) == 0 { return try Theme.load(path: path) }
        }
        if choice == "default" { return .builtInDefault }
        throw ThemeError.unknownName(name: choice, searched: directories, available: availableNames())
    }

    /// Names of every `*.theme` in the folders, sorted, without duplicates.
    public func availableNames() -> [String] {
        var names = Set<String>()
        for folder in directories {
            guard let dir = opendir(folder) else { continue }
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name.hasSuffix(".theme"), name.count > 6 { names.insert(String(name.dropLast(6))) }
            }
        }
        return names.sorted()
    }

    /// The running executable's path (`/proc/self/exe` on Linux, else `argv[0]`).
    public static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if n > 0 { return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return CommandLine.arguments.first
    }

    static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(cString: buffer)
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
