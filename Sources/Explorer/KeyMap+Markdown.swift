/// The key tables of docs/explorer.md, generated from ``KeyMap/sections`` so the two never drift apart (a
/// test compares them and rewrites them on request).
extension KeyMap {
    /// One Markdown table per mode, each under its title in bold: keys in code spans, then what they do.
    public static func markdownTable() -> String {
        sections.map { section in
            var lines = ["**\(section.title)**", "", "| keys | action |", "|---|---|"]
            for binding in section.bindings {
                let keys = binding.keys.map { "`" + KeyBinding.label(for: $0).replacingOccurrences(of: "|", with: "\\|") + "`" }
                lines.append("| " + keys.joined(separator: " ") + " | " + binding.summary.replacingOccurrences(of: "|", with: "\\|") + " |")
            }
            return lines.joined(separator: "\n") + "\n"
        }.joined(separator: "\n")
    }
}
