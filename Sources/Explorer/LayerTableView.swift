import Planning
import TerminalUI

/// Draws the layer browser: a header line per block (folded ▸ / open ▾, with the block's
/// totals) and a line per matrix with its marks, shape, dtype (a GGUF tensor's own type, such as
/// Q4_K), parameters after, rank, bits, size after and error. While only a partial estimate of a
/// row's spectrum is known, its r99 and error (and its block's error) read `≈`: upper bounds. Narrow panes drop the least important columns first. Styles come from
/// the theme: the header and block lines in `title`, the selection in `selection`, and the
/// marks excluded `x` in `status.error`, locked `!` in `status.warning`, changed `*` in `accent`.
enum LayerTableView {
    /// The columns, most important first after the name; ``minimumNameWidth`` decides how many fit.
    enum Column: CaseIterable {
        case mark, layer, rank, error, size, bits, parameters, energyRank, shape, dtype
        /// Heavy-tailed metrics (shown with `t`): alpha, spikes above the MP bulk, caution.
        case alpha, spikes, caution

        var spec: TableColumn {
            switch self {
            case .mark: return TableColumn("", width: .fixed(2))
            case .layer: return TableColumn("layer", width: .remainder)
            case .rank: return TableColumn("rank", width: .fixed(5), alignment: .right)
            case .error: return TableColumn("error", width: .fixed(6), alignment: .right)
            case .size: return TableColumn("size", width: .fixed(7), alignment: .right)  // `1023KiB`, `4.19MiB`
            case .bits: return TableColumn("bits", width: .fixed(4), alignment: .right)
            case .parameters: return TableColumn("params", width: .fixed(6), alignment: .right)
            case .energyRank: return TableColumn("r99", width: .fixed(4), alignment: .right)
            case .shape: return TableColumn("shape", width: .fixed(11), alignment: .right)
            case .dtype: return TableColumn("dtype", width: .fixed(5), alignment: .right)
            case .alpha: return TableColumn("alpha", width: .fixed(5), alignment: .right)
            case .spikes: return TableColumn("spk", width: .fixed(4), alignment: .right)
            case .caution: return TableColumn("caution", width: .fixed(7))
            }
        }

        var fixedWidth: Int {
            if case .fixed(let w) = spec.width { return w }
            return 0
        }
    }

    /// The layer column keeps at least this many cells before optional columns are dropped.
    static let minimumNameWidth = 16

    /// The columns shown in a pane `width` cells wide, in display order; with `metrics`, the
    /// metric columns come right after rank and error in priority.
    static func columns(width: Int, metrics: Bool = false) -> [Column] {
        var kept: [Column] = [.mark, .layer, .rank, .error]
        var used = kept.reduce(0) { $0 + $1.fixedWidth + 1 }
        let metricColumns: [Column] = metrics ? [.alpha, .caution, .spikes] : []
        for optional in metricColumns + [Column.size, .bits, .parameters, .energyRank, .shape, .dtype] {
            guard width - used - optional.fixedWidth - 1 >= minimumNameWidth else { break }
            kept.append(optional)
            used += optional.fixedWidth + 1
        }
        let order: [Column] = [.mark, .layer, .shape, .dtype, .energyRank, .parameters, .rank, .bits, .size, .error,
                               .alpha, .spikes, .caution]
        return order.filter(kept.contains)
    }

    /// The cell texts of one matrix line.
    static func layerCells(_ state: ExplorerState, _ index: Int, _ estimate: LayerEstimate) -> [Column: String] {
        let entry = state.entries[index]
        let setting = state.settings[index]
        let mark: String
        switch setting.mark {
        case .free: mark = " "
        case .locked: mark = "!"
        case .excluded: mark = "x"
        }
        let changed = setting != state.savedSettings[index] ? "*" : " "
        let r99: String
        let error: String
        switch state.statuses[index] {
        case .pending: r99 = "…"; error = "…"
        case .failed: r99 = "fail"; error = "—"
        case .ready(let s):
            r99 = "\(s.summary.energyRank99)"
            error = estimate.relativeError.map(ExplorerFormat.percent) ?? "—"
        case .estimated(let s):
            r99 = ExplorerFormat.estimatedCount(s.summary.energyRank99)
            error = estimate.relativeError.map { estimate.errorIsUpperBound ? ExplorerFormat.estimatedPercent($0) : ExplorerFormat.percent($0) } ?? "—"
        }
        var metricCells: [Column: String] = [:]
        if state.showsMetricColumns {
            switch state.statuses[index] {
            case .pending, .estimated: metricCells = [.alpha: "…", .spikes: "…"]
            case .failed: metricCells = [.alpha: "—", .spikes: "—"]
            case .ready:
                if let m = state.metrics(index) {
                    metricCells = [.alpha: m.powerLaw.map { String(format: "%.2f", $0.alpha) } ?? "fail",
                                   .spikes: m.marchenkoPastur.map { "\($0.spikeCount)" } ?? "fail",
                                   .caution: LayerTableView.cautionText(SpectralCaution(metrics: m))]
                }
            }
        }
        return metricCells.merging([
            .mark: mark + changed,
            .layer: "  " + state.displayName(index),
            .shape: entry.matrixShape.map { "\($0.rows)×\($0.columns)" } ?? "?",
            .dtype: entry.tensor.typeName,
            .energyRank: r99,
            .parameters: ExplorerFormat.count(estimate.parametersAfter),
            .rank: setting.effectiveChoice.rank.map(String.init) ?? "dense",
            .bits: bitsText(setting.effectiveChoice, storedBits: entry.info.dtype.byteWidth * 8),
            .size: ExplorerFormat.bytes(estimate.bytesAfter),
            .error: error,
        ]) { $1 }
    }

    /// The caution as the 7-cell column shows it: `heavy`, `noise`, `poorfit` or blank.
    static func cautionText(_ caution: SpectralCaution) -> String {
        switch caution {
        case .none: return ""
        case .heavyTail: return "heavy"
        case .mostlyNoise: return "noise"
        case .unreliable: return "poorfit"
        }
    }

    /// `16`, `4`, `4+2` (factors + backbone), `4+E2` (factors + 2-bit E8P backbone, `4+E3`/`4+E4` at
    /// 3/4 bits; `16E2` with 16-bit factors, to fit the 4-cell column), or the dense width.
    static func bitsText(_ choice: LayerChoice, storedBits: Int) -> String {
        switch choice {
        case .dense(let bits, _): return "\(bits ?? storedBits)"
        case let .lowRank(_, factorBits, _, backboneBits, codebook):
            guard let backboneBits else { return "\(factorBits)" }
            if codebook == .e8p { return (factorBits < 10 ? "\(factorBits)+E" : "\(factorBits)E") + "\(backboneBits)" }
            return "\(factorBits)+\(backboneBits)"
        }
    }

    /// Colours the mark cells of row `index` drawn at `origin`: exclusion or lock, then change.
    static func styleMarks(_ state: ExplorerState, _ index: Int, into buffer: inout CellBuffer, at origin: Position) {
        let setting = state.settings[index]
        switch setting.mark {
        case .free: break
        case .locked: buffer.setStyle(state.styles.warning, in: Rect(x: origin.x, y: origin.y, width: 1, height: 1))
        case .excluded: buffer.setStyle(state.styles.error, in: Rect(x: origin.x, y: origin.y, width: 1, height: 1))
        }
        if setting != state.savedSettings[index] {
            buffer.setStyle(state.styles.accent, in: Rect(x: origin.x + 1, y: origin.y, width: 1, height: 1))
        }
    }

    /// The cell texts of a block's header line.
    static func groupCells(_ state: ExplorerState, block: Int?, figures: PlanFigures) -> [Column: String] {
        let count = state.members(ofBlock: block).filter(state.matchesFilter).count
        return [
            .mark: state.folded.contains(block) ? "▸" : "▾",
            .layer: "\(ExplorerState.groupTitle(block)) (\(count))",
            .parameters: ExplorerFormat.count(figures.parametersAfter),
            .bits: String(format: "%.1f", figures.bitsPerWeight),
            .size: ExplorerFormat.bytes(figures.bytesAfter),
            .error: figures.squaredNorm > 0 ? ExplorerFormat.errorPercent(figures) : "",
        ]
    }

    /// Figures per block over its filtered rows.
    static func blockFigures(_ state: ExplorerState, _ estimates: [LayerEstimate]) -> [Int?: PlanFigures] {
        var figures: [Int?: PlanFigures] = [:]
        for index in state.entries.indices where state.matchesFilter(index) {
            figures[state.entries[index].name.block, default: PlanFigures()].add(estimates[index])
        }
        return figures
    }

    /// The table's title: position, sort, `data-aware` when its r99 and errors are, and filter.
    static func title(_ state: ExplorerState) -> String {
        let position = state.cursor.flatMap { state.rows.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
        var title = "Layers \(position)/\(state.rows.count)  \(state.sortLabel)"
        if state.spectrumKind == .dataAware { title += "  " + state.spectrumKind.name }
        if !state.filterText.isEmpty { title += "  /\(state.filterText)/" }
        return title
    }

    static func draw(_ state: inout ExplorerState, estimates: [LayerEstimate], into buffer: inout CellBuffer, area: Rect) {
        let styles = state.styles
        let block = Block(title: title(state), borderStyle: styles.border, titleStyle: styles.title)
        block.render(into: &buffer, area: area)
        let inner = block.inner(area)
        let shown = columns(width: inner.width, metrics: state.showsMetricColumns)
        let figures = blockFigures(state, estimates)
        let selected = state.cursor.flatMap { state.rows.firstIndex(of: $0) }
        // Only the lines on screen get texts: a 560-matrix model stays cheap per frame.
        let first = Table.scrollOffset(selected: selected, offset: state.tableOffset,
                                       visibleRows: max(0, inner.height - 1), rowCount: state.rows.count)
        let visible = first..<min(state.rows.count, first + max(0, inner.height - 1))
        let lines = state.rows.indices.map { line -> [String] in
            guard visible.contains(line) else { return [] }
            let cells: [Column: String]
            switch state.rows[line] {
            case .layer(let index): cells = layerCells(state, index, estimates[index])
            case .group(let block): cells = groupCells(state, block: block, figures: figures[block] ?? PlanFigures())
            }
            return shown.map { cells[$0] ?? "" }
        }
        let table = Table(columns: shown.map(\.spec), rows: lines, selected: selected, offset: state.tableOffset,
                          headerStyle: styles.title, rowStyle: styles.text, selectedStyle: styles.selection)
        table.render(into: &buffer, area: inner)
        let offset = table.visibleOffset(height: inner.height)
        for y in 1..<max(1, inner.height) {
            let line = offset + y - 1
            guard line < state.rows.count, line != selected else { continue }
            switch state.rows[line] {
            case .group:
                buffer.setStyle(styles.title, in: Rect(x: inner.x, y: inner.y + y, width: inner.width, height: 1))
            case .layer(let index):
                styleMarks(state, index, into: &buffer, at: Position(x: inner.x, y: inner.y + y))
            }
        }
        state.tableOffset = offset
        state.pageSize = max(1, inner.height - 1)
        state.tableBody = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: max(0, inner.height - 1))
    }
}
