/// The budget panel's lines below its target line, fitted to the box: the value being typed,
/// the current plan's size and predicted quality (with a sensitivity profile), the settings (row counts and the widths, each with its keys) packed into as few lines as the
/// width allows, a gap, and the outcome of the last run wrapped at its figure boundaries. When
/// the rows run short it gives up, in order, the gap, the row counts (the table's marks show
/// them), the outcome's last line (how many layers changed) and its line repeating the widths
/// the form already shows; whatever still does not fit is cut at the bottom.
struct BudgetPanelLayout: Equatable {
    /// The value line and the settings lines.
    var form: [String]
    /// Whether a blank line separates the form from the outcome.
    var gap: Bool
    /// The outcome lines, wrapped.
    var outcome: [String]
    /// How many of the form's first lines are the value and `now` lines (drawn emphasised).
    var head = 1

    /// The layout of `value`, the `now` line (the plan as it stands, nil for none), `counts` and
    /// `widths` (settings pieces, joined with ` · `) and the `outcome` lines in `width` columns and
    /// `rows` lines; `shown` is the outcome line that only repeats what the form shows, if any.
    static func fit(value: String, now: String? = nil, counts: [String], widths: [String], outcome: [String], shown: String? = nil,
                    width: Int, rows: Int) -> BudgetPanelLayout {
        var wrapped = outcome.map { wrap($0, width: width) }
        // The now line breaks between its figures (` · `) when the box is narrow, never inside one.
        let head = [value] + (now.map { pack($0.components(separatedBy: " · "), separator: " · ", width: width) } ?? [])
        var layout = BudgetPanelLayout(form: head + pack(counts + widths, separator: " · ", width: width),
                                       gap: !outcome.isEmpty, outcome: wrapped.flatMap { $0 }, head: head.count)
        if layout.rows > rows { layout.gap = false }
        if layout.rows > rows { layout.form = head + pack(widths, separator: " · ", width: width) }
        if layout.rows > rows, wrapped.count > 1 {
            wrapped.removeLast()
            layout.outcome = wrapped.flatMap { $0 }
        }
        if layout.rows > rows, let shown, let i = outcome.firstIndex(of: shown), i < wrapped.count {
            wrapped.remove(at: i)
            layout.outcome = wrapped.flatMap { $0 }
        }
        return layout
    }

    /// Lines used.
    var rows: Int { form.count + (gap ? 1 : 0) + outcome.count }

    /// `pieces` joined with `separator`, a new line started wherever the next piece would pass `width`.
    static func pack(_ pieces: [String], separator: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for piece in pieces {
            let candidate = current.isEmpty ? piece : current + separator + piece
            if candidate.count <= width || current.isEmpty {
                current = candidate
            } else {
                lines.append(current)
                current = piece
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// `line` in lines of at most `width` columns: broken at its double spaces (between figures),
    /// then, for a part still too long, between words.
    static func wrap(_ line: String, width: Int) -> [String] {
        guard line.count > width else { return [line] }
        return pack(line.components(separatedBy: "  "), separator: "  ", width: width).flatMap { chunk in
            chunk.count > width ? pack(chunk.split(separator: " ").map(String.init), separator: " ", width: width) : [chunk]
        }
    }
}
