/// The `key = value` line format shared by theme files and the config file: blank lines and
/// anything from a `#` on are ignored; keys are one word; values are the trimmed rest.
enum KeyValueLines {
    /// One meaningful line.
    struct Entry {
        /// 1-based line number.
        let line: Int
        /// The key before `=`.
        let key: String
        /// The trimmed text after `=` (may be empty).
        let value: Substring
    }

    /// Splits `text` into entries.
    /// - Throws: `ThemeError.malformedLine` naming `fileName` for a line without `=` or with a bad key.
    static func parse(_ text: String, fileName: String) throws -> [Entry] {
        var entries: [Entry] = []
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(raw)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmingSpaces
            if trimmed.isEmpty { continue }
            guard let eq = trimmed.firstIndex(of: "=") else {
                throw ThemeError.malformedLine(file: fileName, line: lineNumber,
                                               reason: "expected \"key = value\", found \"\(trimmed)\"")
            }
            let key = trimmed[..<eq].trimmingSpaces
            guard !key.isEmpty, !key.contains(where: { $0 == " " || $0 == "\t" }) else {
                throw ThemeError.malformedLine(file: fileName, line: lineNumber,
                                               reason: "key must be one word before \"=\", found \"\(key)\"")
            }
            entries.append(Entry(line: lineNumber, key: String(key), value: trimmed[trimmed.index(after: eq)...].trimmingSpaces))
        }
        return entries
    }
}
