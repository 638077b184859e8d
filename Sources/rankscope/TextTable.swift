import TerminalUI

/// A plain-text table with aligned columns, for terminal output. Cells are escaped with
/// ``TerminalUI/TerminalText/printable(_:)`` before their widths are measured, so a name from a
/// file cannot drive the terminal and the columns stay aligned.
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
        rows.append(cells.map(TerminalText.printable))
    }

    /// The table as lines, header first, columns separated by two spaces, no trailing spaces.
    func render(indent: String = "") -> [String] {
        let lines = [headers] + rows
        let lengths = lines.map { $0.map(TextTable.length) }
        var widths = lengths[0]
        for row in lengths.dropFirst() {
            for (index, length) in row.enumerated() { widths[index] = max(widths[index], length) }
        }
        return zip(lines, lengths).map { cells, cellLengths in
            var text = indent
            for index in cells.indices {
                if index > 0 { text += "  " }
                let padding = String(repeating: " ", count: widths[index] - cellLengths[index])
                text += alignments[index] == .left ? cells[index] + padding : padding + cells[index]
            }
            let trailing = text.utf8.reversed().prefix { $0 == UInt8(ascii: " ") }.count
            if trailing > 0 { text.removeLast(trailing) }
            return text
        }
    }

    /// The number of characters in `cell`: its UTF-8 length when it is ASCII (most cells), which
    /// is much cheaper than counting grapheme clusters.
    private static func length(_ cell: String) -> Int {
        cell.utf8.allSatisfy { $0 < 0x80 } ? cell.utf8.count : cell.count
    }
}
