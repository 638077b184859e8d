/// The README's key table, generated from ``KeyMap/main`` so the two never drift apart (a test
/// compares them).
extension KeyMap {
    /// A Markdown table of every main binding: keys in code spans, then what they do.
    public static func markdownTable() -> String {
        var lines = ["| keys | action |", "|---|---|"]
        for binding in main {
            let keys = binding.keys.map { "`" + KeyBinding.label(for: $0).replacingOccurrences(of: "|", with: "\\|") + "`" }
            lines.append("| " + keys.joined(separator: " ") + " | " + binding.summary.replacingOccurrences(of: "|", with: "\\|") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
