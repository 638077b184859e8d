/// A plain-text table with aligned columns, for terminal output.
struct TextTable {
    /// How a column's cells are aligned.
    enum Alignment { case left, right }

    private let headers: [String]
    private let alignments: [Alignment]
    private var rows: [[String]] = []

    /// A table with the given column headers and alignments.
    init(_ columns: [(String, Alignment)]) {
        headers = columns.map(\.0)
        alignments = columns.map(\.1)
    }

    /// Appends a row; it must have one cell per column.
    mutating func append(_ cells: [String]) {
        precondition(cells.count == headers.count, "row width differs from header width")
        rows.append(cells)
    }

    /// The table as lines, header first, columns separated by two spaces, no trailing spaces.
    func render(indent: String = "") -> [String] {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { index, cell -> String in
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                return alignments[index] == .left ? cell + padding : padding + cell
            }
            var text = indent + padded.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        return [line(headers)] + rows.map(line)
    }
}
