import Planning
import TerminalUI

/// Draws an ``ExplorerState`` into a cell buffer, immediate mode: title and totals on top,
/// the layer table left, the selected layer's spectrum right, the status line (with a gauge
/// while spectra compute) at the bottom, and the help screen or quit dialog over everything.
///
/// The only thing it writes back is scroll bookkeeping (`tableOffset`, `pageSize`).
/// Terminals smaller than ``minimumWidth``×``minimumHeight`` get a short message instead.
public enum ExplorerView {
    /// Narrowest usable terminal.
    public static let minimumWidth = 40
    /// Shortest usable terminal.
    public static let minimumHeight = 10
    /// Width from which the spectrum pane is shown beside the table.
    public static let splitWidth = 80

    /// The style of the selected table row.
    public static let selectedStyle = Style(reverse: true)

    /// Renders a whole frame of `width`×`height`.
    public static func frame(_ state: inout ExplorerState, width: Int, height: Int) -> CellBuffer {
        var buffer = CellBuffer(width: width, height: height)
        render(&state, into: &buffer)
        return buffer
    }

    /// Renders into `buffer` (which is cleared first).
    public static func render(_ state: inout ExplorerState, into buffer: inout CellBuffer) {
        buffer.clear()
        let area = buffer.area
        guard area.width >= minimumWidth, area.height >= minimumHeight else {
            drawTooSmall(into: &buffer)
            return
        }
        let bands = area.rows([.fixed(1), .remainder, .fixed(1)])
        drawTitle(state, into: &buffer, area: bands[0])
        let body: [Rect] = area.width >= splitWidth
            ? bands[1].columns([.fraction(0.55), .remainder])
            : [bands[1]]
        drawTable(&state, into: &buffer, area: body[0])
        if body.count > 1 { drawSpectrum(state, into: &buffer, area: body[1]) }
        drawStatus(state, into: &buffer, area: bands[2])
        if state.showingHelp { drawHelp(into: &buffer, area: bands[1]) }
        if let dialog = state.quitDialog { drawDialog(dialog, into: &buffer, area: area) }
    }

    static func drawTooSmall(into buffer: inout CellBuffer) {
        let lines = ["terminal too small", "need \(minimumWidth)×\(minimumHeight)"]
        let top = max(0, (buffer.height - lines.count) / 2)
        for (i, line) in lines.enumerated() {
            let x = max(0, (buffer.width - line.count) / 2)
            buffer.write(line, at: Position(x: x, y: top + i), style: Style(bold: i == 0))
        }
    }

    static func drawTitle(_ state: ExplorerState, into buffer: inout CellBuffer, area: Rect) {
        let model = state.totals.model
        let change = model.parametersBefore > 0
            ? Double(model.parametersAfter - model.parametersBefore) / Double(model.parametersBefore) : 0
        let sign = change < 0 ? "−" : "+"
        let figures = "params \(ExplorerFormat.count(model.parametersBefore)) → \(ExplorerFormat.count(model.parametersAfter))"
            + " (\(sign)\(ExplorerFormat.percent(abs(change))))  err \(ExplorerFormat.percent(model.relativeError))"
            + (model.unknownErrorCount > 0 ? "+?" : "")
        buffer.fill(area, style: Style(reverse: true))
        let figuresWidth = min(figures.count, area.width)
        let x = area.maxX - figuresWidth
        buffer.write(figures, at: Position(x: x, y: area.y), style: Style(reverse: true))
        let head = "rankscope  " + state.title
        buffer.write(head, at: Position(x: area.x, y: area.y), style: Style(bold: true, reverse: true),
                     maxWidth: max(0, x - area.x - 2))
    }

    /// The table row texts of row `index`.
    static func rowTexts(_ state: ExplorerState, _ index: Int) -> [String] {
        let entry = state.entries[index]
        let shape = entry.matrixShape.map { "\($0.rows)×\($0.columns)" } ?? "?"
        let estimate = state.estimate(index)
        let r99: String
        let error: String
        switch state.statuses[index] {
        case .pending: r99 = "…"; error = "…"
        case .failed: r99 = "fail"; error = "—"
        case .ready(let s):
            r99 = "\(s.summary.energyRank99)"
            error = estimate.relativeError.map(ExplorerFormat.percent) ?? "—"
        }
        let rank = state.ranks[index].map(String.init) ?? "dense"
        return [state.displayName(index), shape, r99, rank, ExplorerFormat.count(estimate.parametersAfter), error]
    }

    static func drawTable(_ state: inout ExplorerState, into buffer: inout CellBuffer, area: Rect) {
        let block = Block(title: "Layers \(state.entries.isEmpty ? 0 : state.selection + 1)/\(state.entries.count)")
        block.render(into: &buffer, area: area)
        let inner = block.inner(area)
        // Narrow panes drop shape, then r99, so the layer name always keeps some room.
        let showShape = inner.width >= 62, showEnergyRank = inner.width >= 44
        var columns = [TableColumn("layer", width: .remainder)]
        if showShape { columns.append(TableColumn("shape", width: .fixed(11), alignment: .right)) }
        if showEnergyRank { columns.append(TableColumn("r99", width: .fixed(5), alignment: .right)) }
        columns += [
            TableColumn("rank", width: .fixed(5), alignment: .right),
            TableColumn("params", width: .fixed(7), alignment: .right),
            TableColumn("error", width: .fixed(7), alignment: .right),
        ]
        let rows = state.entries.indices.map { index -> [String] in
            var texts = rowTexts(state, index)
            if !showEnergyRank { texts.remove(at: 2) }
            if !showShape { texts.remove(at: 1) }
            return texts
        }
        let table = Table(columns: columns, rows: rows, selected: rows.isEmpty ? nil : state.selection,
                          offset: state.tableOffset, selectedStyle: selectedStyle)
        table.render(into: &buffer, area: inner)
        state.tableOffset = table.visibleOffset(height: inner.height)
        state.pageSize = max(1, inner.height - 1)
    }

    static func drawSpectrum(_ state: ExplorerState, into buffer: inout CellBuffer, area: Rect) {
        guard state.selectedEntry != nil else {
            Block(title: "Spectrum").render(into: &buffer, area: area)
            return
        }
        let index = state.selection
        let block = Block(title: "Spectrum " + state.displayName(index))
        block.render(into: &buffer, area: area)
        let inner = block.inner(area)
        let parts = inner.rows([.remainder, .fixed(3)])
        switch state.statuses[index] {
        case .pending:
            buffer.write("computing spectrum…", at: Position(x: inner.x + 1, y: inner.y), maxWidth: inner.width - 1)
        case .failed(let why):
            buffer.write(why, at: Position(x: inner.x + 1, y: inner.y), style: Style(foreground: .red), maxWidth: inner.width - 1)
        case .ready(let spectrum):
            let s = spectrum.summary
            var markers = [
                ChartMarker(x: Double(s.energyRank90), label: "r90", style: Style(foreground: .green)),
                ChartMarker(x: Double(s.energyRank99), label: "r99", style: Style(foreground: .yellow)),
                ChartMarker(x: Double(s.energyRank999), label: "r99.9", style: Style(foreground: .magenta)),
                ChartMarker(x: Double(s.breakEvenRank), label: "break-even", style: Style(foreground: .red)),
            ]
            if let rank = state.ranks[index] {
                markers.append(ChartMarker(x: Double(rank), label: "k=\(rank)", style: Style(foreground: .cyan, bold: true)))
            }
            let chart = LineChart(series: [ChartSeries(name: "σ", values: spectrum.singularValues, style: Style(foreground: .blue))],
                                  markers: markers, logY: true,
                                  xRange: 1...Double(max(2, spectrum.singularValues.count)))
            chart.render(into: &buffer, area: parts[0])
            let estimate = state.estimate(index)
            let lines = [
                "σ₁ \(ExplorerFormat.number(s.spectralNorm))  ‖W‖F \(ExplorerFormat.number(s.frobeniusNorm))  full rank \(s.fullRank)",
                "r90 \(s.energyRank90)  r99 \(s.energyRank99)  r99.9 \(s.energyRank999)  break-even \(s.breakEvenRank)",
                (state.ranks[index].map { "rank \($0)" } ?? "dense")
                    + ": params \(ExplorerFormat.count(estimate.parametersBefore)) → \(ExplorerFormat.count(estimate.parametersAfter))"
                    + "  err \(estimate.relativeError.map(ExplorerFormat.percent) ?? "—")",
            ]
            for (i, line) in lines.enumerated() {
                buffer.write(line, at: Position(x: parts[1].x, y: parts[1].y + i), maxWidth: parts[1].width)
            }
        }
    }

    static func drawStatus(_ state: ExplorerState, into buffer: inout CellBuffer, area: Rect) {
        var textArea = area
        if state.isComputing, state.progress.total > 0 {
            let split = area.columns([.remainder, .fixed(min(24, area.width / 3))], spacing: 1)
            textArea = split[0]
            let ratio = Double(state.progress.completed) / Double(state.progress.total)
            Gauge(ratio: ratio, label: "\(state.progress.completed)/\(state.progress.total)",
                  barStyle: Style(foreground: .green), labelStyle: Style(bold: true)).render(into: &buffer, area: split[1])
        }
        buffer.write(state.statusText, at: Position(x: textArea.x, y: textArea.y), maxWidth: textArea.width)
    }

    /// The help screen's lines, generated from ``KeyMap``.
    public static func helpLines() -> [String] {
        let width = KeyMap.main.map { $0.keyLabel.count }.max() ?? 0
        return KeyMap.main.map { binding in
            binding.keyLabel + String(repeating: " ", count: width - binding.keyLabel.count + 2) + binding.summary
        }
    }

    static func drawHelp(into buffer: inout CellBuffer, area: Rect) {
        let lines = helpLines()
        let width = min(area.width, (lines.map(\.count).max() ?? 0) + 4)
        let height = min(area.height, lines.count + 2)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        buffer.fill(box)
        let block = Block(title: "Keys (? or Esc closes)")
        block.render(into: &buffer, area: box)
        let inner = block.inner(box)
        for (i, line) in lines.enumerated() where i < inner.height {
            buffer.write(line, at: Position(x: inner.x + 1, y: inner.y + i), maxWidth: max(0, inner.width - 1))
        }
    }

    static func drawDialog(_ dialog: QuitDialog, into buffer: inout CellBuffer, area: Rect) {
        let width = min(area.width, 36), height = min(area.height, 5)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        buffer.fill(box)
        let block = Block(title: "Quit?")
        block.render(into: &buffer, area: box)
        let inner = block.inner(box)
        buffer.write("Discard unsaved changes?", at: Position(x: inner.x + 1, y: inner.y), maxWidth: inner.width - 1)
        let cancel = "[ Cancel ]", quit = "[ Quit (y) ]"
        let y = inner.y + 2
        let x = inner.x + 1
        buffer.write(cancel, at: Position(x: x, y: y), style: dialog.focus == .cancel ? selectedStyle : .plain)
        buffer.write(quit, at: Position(x: x + cancel.count + 2, y: y), style: dialog.focus == .quit ? selectedStyle : .plain,
                     maxWidth: max(0, inner.maxX - (x + cancel.count + 2)))
    }
}
