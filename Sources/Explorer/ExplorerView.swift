import Foundation
import Planning
import TerminalUI

/// Draws an ``ExplorerState`` into a cell buffer, immediate mode: title and model totals on
/// top, the layer browser left, the selected layer's spectrum right, the status line (a prompt
/// while typing, with a gauge while spectra compute) at the bottom, and the budget panel, help
/// screen or quit dialog over everything.
///
/// Row estimates are computed once per frame and shared by the totals and the table. The only
/// thing it writes back is scroll and layout bookkeeping (`tableOffset`, `pageSize`, `tableBody`).
/// Terminals smaller than ``minimumWidth``×``minimumHeight`` get a short message instead.
public enum ExplorerView {
    /// Narrowest usable terminal.
    public static let minimumWidth = 40
    /// Shortest usable terminal.
    public static let minimumHeight = 10
    /// Width from which the spectrum pane is shown beside the table.
    public static let splitWidth = 80

    /// Height from which the model totals get a line of their own under the title.
    public static let twoLineHeaderHeight = 16

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
        let estimates = state.rowEstimates()
        let totals = state.totals(rowEstimates: estimates)
        let headerHeight = area.height >= twoLineHeaderHeight ? 2 : 1
        let bands = area.rows([.fixed(headerHeight), .remainder, .fixed(1)])
        drawTitle(state, model: totals.model, into: &buffer, area: bands[0])
        let body: [Rect] = area.width >= splitWidth
            ? bands[1].columns([.fraction(0.55), .remainder])
            : [bands[1]]
        LayerTableView.draw(&state, estimates: estimates, into: &buffer, area: body[0])
        if body.count > 1 { drawSpectrum(state, into: &buffer, area: body[1]) }
        drawStatus(state, into: &buffer, area: bands[2])
        if let panel = state.budgetPanel { BudgetPanelView.draw(panel, state, into: &buffer, area: bands[1]) }
        if state.showingHelp { drawHelp(&state, into: &buffer, area: bands[1]) }
        if let dialog = state.quitDialog { drawDialog(dialog, into: &buffer, area: area) }
    }

    /// The too-small message, shortened to what fits.
    static func drawTooSmall(into buffer: inout CellBuffer) {
        let need = "need \(minimumWidth)×\(minimumHeight)"
        let lines = buffer.width >= 18 ? ["terminal too small", need] : ["too small", need]
        let top = max(0, (buffer.height - lines.count) / 2)
        for (i, line) in lines.enumerated() {
            let x = max(0, (buffer.width - line.count) / 2)
            buffer.write(line, at: Position(x: x, y: top + i), style: Style(bold: i == 0), maxWidth: buffer.width - x)
        }
    }

    /// The model figures, most important first: parameters, error, size, bits per weight,
    /// memory-bound speed-up; `wide` adds the before → after of the size.
    static func titleFigures(_ model: PlanFigures, wide: Bool) -> [String] {
        let change = model.parametersBefore > 0
            ? Double(model.parametersAfter - model.parametersBefore) / Double(model.parametersBefore) : 0
        let sign = change < 0 ? "−" : "+"
        return [
            "params \(ExplorerFormat.count(model.parametersBefore)) → \(ExplorerFormat.count(model.parametersAfter))"
                + " (\(sign)\(ExplorerFormat.percent(abs(change))))",
            "err \(ExplorerFormat.percent(model.relativeError))" + (model.unknownErrorCount > 0 ? "+?" : ""),
            "size " + (wide ? "\(ExplorerFormat.bytes(model.bytesBefore)) → " : "") + ExplorerFormat.bytes(model.bytesAfter),
            String(format: "%.2f b/w", model.bitsPerWeight),
            String(format: "speed-up ×%.2f", model.memoryBoundSpeedup),
        ]
    }

    /// The figures that fit in `width` cells, in reading order (error last, where the eye ends).
    static func fittingFigures(_ model: PlanFigures, width: Int, wide: Bool) -> String {
        var pieces = titleFigures(model, wide: wide)
        while pieces.count > 1, pieces.joined(separator: "  ").count > width { pieces.removeLast() }
        if pieces[0].count > width, pieces[0].hasPrefix("params ") { pieces[0].removeFirst(7) }
        let order = pieces.count > 2 ? [pieces[0]] + pieces[2...] + [pieces[1]] : pieces
        return order.joined(separator: "  ")
    }

    /// The title bar (program, checkpoint, `[+]` when unsaved, the plan file) and the model totals:
    /// on a line of their own when `area` has two lines, else at the title's right end.
    static func drawTitle(_ state: ExplorerState, model: PlanFigures, into buffer: inout CellBuffer, area: Rect) {
        let bar = Rect(x: area.x, y: area.y, width: area.width, height: 1)
        buffer.fill(bar, style: Style(reverse: true))
        var right = ""
        if area.height >= 2 {
            let figures = fittingFigures(model, width: area.width - 1, wide: true)
            buffer.write(figures, at: Position(x: area.x + 1, y: area.y + 1), style: Style(bold: true), maxWidth: area.width - 1)
            if let plan = state.planPath { right = "plan " + (plan as NSString).lastPathComponent }
        } else {
            right = fittingFigures(model, width: max(0, area.width - min(32, area.width / 3)), wide: false)
        }
        let rightWidth = min(right.count, area.width)
        let x = bar.maxX - rightWidth
        buffer.write(right, at: Position(x: x, y: bar.y), style: Style(reverse: true), maxWidth: area.width)
        let head = "rankscope  " + state.title + (state.hasUnsavedChanges ? " [+]" : "")
        buffer.write(head, at: Position(x: bar.x, y: bar.y), style: Style(bold: true, reverse: true),
                     maxWidth: max(0, x - bar.x - 2))
    }

    static func drawSpectrum(_ state: ExplorerState, into buffer: inout CellBuffer, area: Rect) {
        let index = state.selection
        let selected = state.selectedEntry != nil
        SpectrumPane(title: selected ? "Spectrum " + state.displayName(index) : "Spectrum",
                     status: selected ? state.statuses[index] : nil,
                     chosenRank: selected ? state.ranks[index] : nil,
                     estimate: selected ? state.estimate(index) : nil, styles: state.styles).render(into: &buffer, area: area)
    }

    static func drawStatus(_ state: ExplorerState, into buffer: inout CellBuffer, area: Rect) {
        if let prompt = state.prompt {
            let text = prompt.label + prompt.text
            let visible = String(text.suffix(max(0, area.width - 1)))
            buffer.write(visible + "█", at: Position(x: area.x, y: area.y), maxWidth: area.width)
            return
        }
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

    /// Draws the help box; when it is taller than the screen it scrolls (j/k) and the title says so.
    static func drawHelp(_ state: inout ExplorerState, into buffer: inout CellBuffer, area: Rect) {
        let lines = helpLines()
        let width = min(area.width, (lines.map(\.count).max() ?? 0) + 4)
        let height = min(area.height, lines.count + 2)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        buffer.fill(box)
        let visible = max(0, height - 2)
        let scrolls = visible < lines.count
        state.helpOffset = min(state.helpOffset, max(0, lines.count - visible))
        let block = Block(title: scrolls ? "Keys \(state.helpOffset + 1)–\(state.helpOffset + visible)/\(lines.count) (j/k scroll, ? closes)"
                                         : "Keys (? or Esc closes)")
        block.render(into: &buffer, area: box)
        let inner = block.inner(box)
        for (i, line) in lines.dropFirst(state.helpOffset).enumerated() where i < inner.height {
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
