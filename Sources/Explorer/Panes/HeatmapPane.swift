import Foundation
import Planning
import TerminalUI

/// Block × role grid of the rank each matrix needs to keep a chosen share of its energy, as a
/// fraction of its full rank: where the model is low-rank, at a glance. It can show instead each
/// matrix's alpha, or its loss increase from a sensitivity profile (``Content``).
///
/// A pure function of its inputs. Call:
/// ```swift
/// HeatmapPane(cells: entries.map { .init(block: $0.block, role: $0.role, spectrum: $0.spectrum) },
///             energy: 0.99, styles: styles).render(into: &buffer, area: rect)
/// ```
/// Rows are roles (in order of first appearance), columns blocks (ascending). A cell's value is
/// r(energy) / s with r(f) the smallest k keeping the fraction f of Σσᵢ² and s the number of
/// singular values (the summary's r90/r99/r99.9 for those three shares, else a binary search of
/// the spectrum's tail energies: no pass over the values per frame); the colour scale runs over
/// 0…1 (fixed, so screens compare). Cells without a spectrum show `·`; a block and role seen
/// twice keep the last. Cells are
/// ``numberedCellWidth`` wide with the percentage written in them when all blocks fit that way,
/// else as wide as fits (at least one column); blocks beyond the width are left out and the
/// caption says which are shown. Below the grid: the colour scale legend.
public struct HeatmapPane: Widget {
    /// One matrix: where it sits and its spectrum.
    public struct Cell: Sendable {
        /// Block (layer) index.
        public var block: Int
        /// Role within the block, such as `mlp.up_proj`.
        public var role: String
        /// The matrix's spectrum; nil while unknown.
        public var spectrum: Spectrum?
        /// WeightWatcher's alpha of the spectrum (−1 when the fit failed); nil while unknown.
        public var alpha: Double?
        /// The model's loss increase from this matrix (sensitivity profile); nil while unknown.
        public var loss: Double?

        /// Creates a cell.
        public init(block: Int, role: String, spectrum: Spectrum?, alpha: Double? = nil, loss: Double? = nil) {
            self.block = block
            self.role = role
            self.spectrum = spectrum
            self.alpha = alpha
            self.loss = loss
        }
    }

    /// What the cells show.
    public enum Content: Equatable, Sendable {
        /// The rank for the energy share, as a fraction of full rank.
        case rank
        /// Alpha, on ``alphaRange``.
        case alpha
        /// The loss increase (``Cell/loss``) on a log scale over ``lossRange``; `caption` says which.
        case loss(caption: String)
    }

    /// Text in the border.
    public var title: String
    /// The matrices.
    public var cells: [Cell]
    /// Share of the energy to keep, such as 0.9, 0.99 or 0.999.
    public var energy: Double
    /// Colours and attributes.
    public var styles: PaneStyles

    /// What the cells show: the rank fraction unless set.
    public var content = Content.rank

    /// Cell width at which percentages are written in the cells.
    public static let numberedCellWidth = 5
    /// The alpha colour scale: 1 (heaviest tails) to 8; well-trained layers sit at 2–6.
    public static let alphaRange = 1.0...8.0
    /// The loss colour scale, in powers of ten: 10⁻⁴ (or less) to 1 (or more).
    public static let lossRange = -4.0...0.0

    /// Creates the pane.
    public init(title: String = "Rank heatmap", cells: [Cell], energy: Double, styles: PaneStyles = .standard) {
        self.title = title
        self.cells = cells
        self.energy = energy
        self.styles = styles
    }

    /// Blocks in column order.
    public var blocks: [Int] { Array(Set(cells.map(\.block))).sorted() }

    /// Roles in row order.
    public var roles: [String] {
        var seen = Set<String>()
        return cells.map(\.role).filter { seen.insert($0).inserted }
    }

    /// The grid of `value(cell)` by role, then block; NaN where it is nil.
    func grid(_ value: (Cell) -> Double?) -> [[Double]] {
        let blocks = self.blocks, roles = self.roles
        var grid = [[Double]](repeating: [Double](repeating: .nan, count: blocks.count), count: roles.count)
        let column = Dictionary(uniqueKeysWithValues: blocks.enumerated().map { ($0.element, $0.offset) })
        let row = Dictionary(uniqueKeysWithValues: roles.enumerated().map { ($0.element, $0.offset) })
        for cell in cells {
            guard let figure = value(cell), let j = column[cell.block], let i = row[cell.role] else { continue }
            grid[i][j] = figure
        }
        return grid
    }

    /// The grid of fractions r(energy)/s by role, then block; NaN where unknown.
    public var fractions: [[Double]] {
        grid { cell in
            guard let spectrum = cell.spectrum, !spectrum.singularValues.isEmpty else { return nil }
            return Double(HeatmapPane.rank(spectrum, keeping: energy)) / Double(spectrum.singularValues.count)
        }
    }

    /// The grid of alphas by role, then block; NaN where unknown or where the fit failed.
    public var alphas: [[Double]] { grid { cell in cell.alpha.flatMap { $0 >= 0 ? $0 : nil } } }

    /// The loss increases as given, by role, then block; NaN where unknown.
    var rawLosses: [[Double]] { grid { $0.loss } }

    /// The grid of log₁₀ loss increases by role, then block (clamped to ``lossRange``); NaN where unknown.
    public var losses: [[Double]] {
        rawLosses.map { row in
            row.map { loss in
                guard loss.isFinite else { return .nan }
                return min(max(log10(max(loss, 1e-12)), HeatmapPane.lossRange.lowerBound), HeatmapPane.lossRange.upperBound)
            }
        }
    }

    /// A loss increase in the three columns a cell's text has: `.00`, `.08`, `.50`, `1.2`, `12`, `123`, `1k+`.
    public static func lossText(_ loss: Double) -> String {
        guard loss.isFinite else { return "" }
        if loss < 0.995 { return String(String(format: "%.2f", max(0, loss)).dropFirst()) }
        if loss < 9.95 { return String(format: "%.1f", loss) }
        return loss < 999.5 ? String(format: "%.0f", loss) : "1k+"
    }

    /// The grid shown and its colour range.
    var shownGrid: (values: [[Double]], range: ClosedRange<Double>) {
        switch content {
        case .rank: return (fractions, 0...1)
        case .alpha: return (alphas, HeatmapPane.alphaRange)
        case .loss: return (losses, HeatmapPane.lossRange)
        }
    }

    /// The smallest k whose truncation keeps `fraction` of the energy: the summary's figure for
    /// 90/99/99.9%, otherwise the smallest k with tail(k) ≤ (1 − fraction)·E by binary search.
    static func rank(_ spectrum: Spectrum, keeping fraction: Double) -> Int {
        let s = spectrum.summary
        switch fraction {
        case 0.9: return s.energyRank90
        case 0.99: return s.energyRank99
        case 0.999: return s.energyRank999
        default: break
        }
        let tail = spectrum.tailEnergy
        guard let total = tail.first, total > 0 else { return 0 }
        let allowed = (1 - fraction) * total
        var low = 1, high = spectrum.singularValues.count
        while low < high {
            let middle = (low + high) / 2
            if tail[middle] <= allowed { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// Draws border, caption, grid and colour scale into `area`.
    public func render(into buffer: inout CellBuffer, area: Rect) {
        let block = Block(title: title, borderStyle: styles.border, titleStyle: styles.title)
        block.render(into: &buffer, area: area)
        let inner = block.inner(area)
        guard !inner.isEmpty else { return }
        let blocks = self.blocks, roles = self.roles
        guard !blocks.isEmpty else {
            buffer.write("no blocks to show", at: Position(x: inner.x + 1, y: inner.y), style: styles.dim, maxWidth: inner.width - 1)
            return
        }
        let labelWidth = min(roles.map { DisplayWidth.of($0) }.max() ?? 0, inner.width / 2)
        let room = inner.width - labelWidth - 1
        let cellWidth = blocks.count * HeatmapPane.numberedCellWidth <= room
            ? HeatmapPane.numberedCellWidth : max(1, min(3, room / blocks.count))
        let shown = min(blocks.count, max(0, room / cellWidth))
        let (fullGrid, colourRange) = shownGrid
        let grid = fullGrid.map { Array($0.prefix(shown)) }
        let digits = "\(blocks[..<shown].max() ?? 0)".count
        let range = shown < blocks.count ? " \(blocks[0])–\(blocks[shown - 1]) of \(blocks.count)" : ""
        let what: String
        switch content {
        case .rank: what = "rank for \(ExplorerFormat.trimmedPercent(energy)) energy ÷ full rank"
        case .alpha: what = "alpha of the λ = σ² tail"
        case .loss(let caption): what = caption
        }
        let caption = Legend(items: [
            LegendItem(text: what),
            LegendItem(text: "rows: role"),
            LegendItem(text: "columns: block" + range),
        ], textStyle: styles.text)
        let captionRows = min(caption.height(width: inner.width), inner.height)
        caption.render(into: &buffer, area: inner.resized(height: captionRows))
        var map = Heatmap(values: grid, rowLabels: roles, range: colourRange, ramp: styles.heatRamp,
                          cellWidth: cellWidth, labelStyle: styles.text)
        if cellWidth >= HeatmapPane.numberedCellWidth {
            let lossGrid = cells.isEmpty ? [] : rawLosses.map { Array($0.prefix(shown)) }
            map.cellTexts = grid.enumerated().map { i, row in
                row.enumerated().map { j, value in
                    guard value.isFinite else { return "" }
                    switch content {
                    case .rank: return "\(Int((value * 100).rounded()))"
                    case .alpha: return String(format: "%.1f", value)
                    case .loss: return HeatmapPane.lossText(lossGrid[i][j])
                    }
                }
            }
        }
        let headerY = inner.y + captionRows
        if headerY < inner.maxY {
            // Block numbers over their columns, every `step`-th one so neighbours keep a space.
            let step = (digits + 1 + cellWidth - 1) / cellWidth
            let gridX = inner.x + labelWidth + (labelWidth > 0 ? 1 : 0)
            for j in stride(from: 0, to: shown, by: step) {
                let label = "\(blocks[j])", x = gridX + j * cellWidth
                guard x + label.count <= inner.maxX else { break }
                buffer.write(label, at: Position(x: x, y: headerY), style: styles.dim)
            }
        }
        let gridTop = headerY + 1
        let gridHeight = max(0, min(roles.count, inner.maxY - gridTop))
        map.render(into: &buffer, area: Rect(x: inner.x, y: gridTop, width: inner.width, height: gridHeight))
        let scaleY = gridTop + gridHeight + 1
        if scaleY < inner.maxY { drawScale(into: &buffer, x: inner.x, y: scaleY, width: inner.width) }
    }

    /// The colour scale: `0% ░░▒▒▓▓██ 100% of full rank  · unknown`, using the same widget.
    func drawScale(into buffer: inout CellBuffer, x: Int, y: Int, width: Int) {
        let steps = 12
        var cursor = x
        let (low, high): (String, String)
        switch content {
        case .rank: (low, high) = ("0% ", " 100% of full rank  · unknown")
        case .alpha: (low, high) = ("α 1 ", " 8 (2–6 well trained)  · unknown")
        case .loss: (low, high) = ("Δ≤1e-4 ", " ≥1 (log scale)  · unknown")
        }
        cursor += buffer.write(low, at: Position(x: cursor, y: y), style: styles.text, maxWidth: max(0, x + width - cursor))
        let scale = Heatmap(values: [(0..<steps).map { Double($0) / Double(steps - 1) }], range: 0...1,
                            ramp: styles.heatRamp, cellWidth: 1)
        let scaleWidth = min(steps, max(0, x + width - cursor))
        scale.render(into: &buffer, area: Rect(x: cursor, y: y, width: scaleWidth, height: 1))
        cursor += scaleWidth
        buffer.write(high, at: Position(x: cursor, y: y), style: styles.text,
                     maxWidth: max(0, x + width - cursor))
    }
}
