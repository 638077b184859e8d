import Foundation
import Planning
import TerminalUI

/// Draws an ``ExplorerState`` into a cell buffer, immediate mode: title and model totals on
/// top, the layer browser left, the current view right (spectrum, overlay, heatmap, sparse vs
/// dense or the compression job; see ``ViewPaneView``), or the view alone when it takes the
/// screen, the status line (a prompt while typing, with a gauge while spectra compute) at the
/// bottom, and the budget panel, help screen or quit dialog over everything. Every part draws
/// in the theme's styles (``ExplorerState/styles``).
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

    /// The style of the selected table row in the default theme (the theme's `selection`).
    public static let selectedStyle = PaneStyles.standard.selection

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
        if state.paneFullScreen {
            state.tableBody = .zero
            ViewPaneView.draw(state, estimates: estimates, into: &buffer, area: bands[1])
        } else if area.width >= splitWidth {
            let body = bands[1].columns([.fraction(0.55), .remainder])
            LayerTableView.draw(&state, estimates: estimates, into: &buffer, area: body[0])
            ViewPaneView.draw(state, estimates: estimates, into: &buffer, area: body[1])
        } else {
            LayerTableView.draw(&state, estimates: estimates, into: &buffer, area: bands[1])
        }
        drawStatus(state, into: &buffer, area: bands[2])
        if let panel = state.budgetPanel { BudgetPanelView.draw(panel, state, into: &buffer, area: bands[1]) }
        if state.showingHelp { drawHelp(&state, into: &buffer, area: bands[1]) }
        if let dialog = state.quitDialog { drawDialog(dialog, styles: state.styles, into: &buffer, area: area) }
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

    /// The model figures, most important first, each with its place in reading order:
    /// parameters, the predicted quality (with a sensitivity profile: `ppl 88.6` or `cos 0.953`,
    /// read right after the size), error (read last, where the eye ends), size, bits per weight,
    /// memory-bound speed-up — with a profile the size outranks the error, so the prediction keeps
    /// the size beside it on a narrow screen; `wide` adds the before → after of the size. The error reads
    /// `out-err` when it is a data-aware output error (`kind`), and `≈` when some of it comes from
    /// partial estimates of spectra (an upper bound).
    static func titleFigures(_ model: PlanFigures, wide: Bool, kind: SpectrumKind = .weights,
                             quality: PredictedQuality? = nil) -> [(text: String, place: Int)] {
        let params = "params \(ExplorerFormat.count(model.parametersBefore)) → " + parametersAfter(model)
        let error = (kind == .dataAware ? "out-err " : "err ") + ExplorerFormat.errorPercent(model)
            + (model.unknownErrorCount > 0 ? "+?" : "")
        let size = ("size " + (wide ? "\(ExplorerFormat.bytes(model.bytesBefore)) → " : "") + ExplorerFormat.bytes(model.bytesAfter), 1)
        let ranked = quality.map { [(ExplorerFormat.quality($0), 2), size, (error, 9)] } ?? [(error, 9), size]
        return [(params, 0)] + ranked + [
            (String(format: "%.2f b/w", model.bitsPerWeight), 3),
            (String(format: "speed-up ×%.2f", model.memoryBoundSpeedup), 4),
        ]
    }

    /// The parameters after the plan and their change: `107.97M (−19.73%)`.
    static func parametersAfter(_ model: PlanFigures) -> String {
        let change = model.parametersBefore > 0
            ? Double(model.parametersAfter - model.parametersBefore) / Double(model.parametersBefore) : 0
        return "\(ExplorerFormat.count(model.parametersAfter)) (\(change < 0 ? "−" : "+")\(ExplorerFormat.percent(abs(change))))"
    }

    /// The most important figures that fit in `width` cells, in reading order. When `wide` keeps
    /// fewer figures (or shortens more) than the size alone (`size 400MiB`, no before → after)
    /// would, the narrow form wins. A prediction sheds its range and extrapolated count (`ppl 177`)
    /// before it is dropped.
    static func fittingFigures(_ model: PlanFigures, width: Int, wide: Bool, kind: SpectrumKind = .weights,
                               quality: PredictedQuality? = nil) -> String {
        /// The pieces that fit, and how many figures were dropped or shortened to fit them.
        func fitting(wide: Bool) -> (pieces: [(text: String, place: Int)], lost: Int) {
            var pieces = titleFigures(model, wide: wide, kind: kind, quality: quality)
            let all = pieces.count
            var shortened = 0
            func tooLong() -> Bool { pieces.map(\.text).joined(separator: "  ").count > width }
            // The prediction outlasts every figure but the parameters: its notes go before the
            // size, the size before it, and the parameters' label and count before (`107.97M
            // (−19.73%)`) the prediction itself.
            let kept = quality == nil ? 1 : 2
            while pieces.count > kept + 1, tooLong() { pieces.removeLast() }
            if let quality, tooLong() {
                pieces[1].text = ExplorerFormat.qualityFigure(quality)
                shortened += 1
            }
            while pieces.count > kept, tooLong() { pieces.removeLast() }
            if tooLong(), pieces[0].text.hasPrefix("params ") { pieces[0].text.removeFirst(7) }
            if quality != nil, pieces.count == 2, tooLong() { pieces[0].text = parametersAfter(model) }
            while pieces.count > 1, tooLong() { pieces.removeLast() }
            return (pieces, all - pieces.count + shortened)
        }
        var (pieces, lost) = fitting(wide: wide)
        if wide { let narrow = fitting(wide: false); if narrow.lost < lost { (pieces, lost) = narrow } }
        return pieces.sorted { $0.place < $1.place }.map(\.text).joined(separator: "  ")
    }

    /// The title bar (program, checkpoint, `[+]` when unsaved, the spectrum kind when statistics
    /// are loaded, the plan file) and the model totals (whose error reads `out-err` for data-aware
    /// spectra): on a line of their own when `area` has two lines, else at the title's right end.
    static func drawTitle(_ state: ExplorerState, model: PlanFigures, into buffer: inout CellBuffer, area: Rect) {
        let bar = Rect(x: area.x, y: area.y, width: area.width, height: 1)
        let barStyle = titleBarStyle(state.styles)
        buffer.fill(bar, style: barStyle)
        var right = ""
        let kind = state.spectrumKind
        let quality = state.predictedQuality
        if area.height >= 2 {
            let figures = fittingFigures(model, width: area.width - 1, wide: true, kind: kind, quality: quality)
            buffer.write(figures, at: Position(x: area.x + 1, y: area.y + 1), style: state.styles.title, maxWidth: area.width - 1)
            right = titleRight(kind: state.statisticsPath != nil ? kind : nil, plan: state.planPath.map { ($0 as NSString).lastPathComponent },
                               width: area.width, head: headText(state).count)
        } else {
            right = fittingFigures(model, width: max(0, area.width - min(32, area.width / 3)), wide: false, kind: kind, quality: quality)
        }
        let rightWidth = min(right.count, area.width)
        let x = bar.maxX - rightWidth
        buffer.write(right, at: Position(x: x, y: bar.y), style: barStyle, maxWidth: area.width)
        buffer.write(headText(state, width: max(0, x - bar.x - 2)), at: Position(x: bar.x, y: bar.y), style: barStyle.bolded,
                     maxWidth: max(0, x - bar.x - 2))
    }

    /// The title bar's left part: program, checkpoint, `[+]` when unsaved; in fewer than its
    /// length's `width` columns the checkpoint's path loses its start (`…/smollm2/model.gguf`),
    /// since its end names the model.
    static func headText(_ state: ExplorerState, width: Int = .max) -> String {
        let program = "rankscope  ", unsaved = state.hasUnsavedChanges ? " [+]" : ""
        let room = width - program.count - unsaved.count
        guard state.title.count > room, room >= 8 else { return program + state.title + unsaved }
        return program + "…" + state.title.suffix(room - 1) + unsaved
    }

    /// The title bar's right part on a bar of `width` whose left part is `head` long: the spectrum
    /// kind (when statistics are loaded) and the plan file, shortened (the kind's short label,
    /// then without the kind, then the file name losing its start) until the left part keeps at
    /// least half the bar, or all it needs.
    public static func titleRight(kind: SpectrumKind?, plan: String?, width: Int, head: Int) -> String {
        let planPart = plan.map { "plan " + $0 }
        let choices = [kind?.label, kind?.shortLabel, nil].map { kindPart in [kindPart, planPart].compactMap { $0 }.joined(separator: "  ") }
        let room = width - min(head, width / 2) - 2
        if let fitting = choices.first(where: { $0.count <= room }) { return fitting }
        guard let plan, room > 8 else { return "" }
        return "plan …" + plan.suffix(room - 6)
    }

    /// The title bar: the theme's accent as a bar (reverse video).
    public static func titleBarStyle(_ styles: PaneStyles) -> Style { styles.accent.reversed }

    /// What the status line's gauge shows: `≈ exact N/M` while some rows of the shown kind have
    /// only an estimate, plain spectra while they compute, then data-aware ones (labelled `W·S`), else a running compression job's layers, else a running
    /// measurement's layers (`compress`) then forward passes (`eval`), so it shows whichever view is up; nil for no gauge.
    static func statusProgress(_ state: ExplorerState) -> (done: Int, total: Int, what: String)? {
        if let (exact, total) = state.exactProgressWhileEstimated {
            return (exact, total, "≈ " + (state.spectrumKind == .dataAware ? "W·S " : "") + "exact ")
        }
        let plain = state.progress
        if plain.completed < plain.total { return (plain.completed, plain.total, "") }
        if state.isComputingDataAware, let dataAware = state.dataAwareProgress {
            return (dataAware.completed, dataAware.total, "W·S ")
        }
        if let job = state.job, job.isRunning, job.total > 0 {
            return (job.completed, job.total, "job ")
        }
        switch state.runningMeasurement?.phase {
        case let .compressing(completed, total)? where total > 0:
            return (completed, total, "compress ")
        case let .running(model, completed, total)? where total > 0:
            // The original model's passes, then the candidate's: one bar over both.
            return (completed + (model == "candidate" ? total : 0), 2 * total, "eval ")
        default:
            return nil
        }
    }

    /// The status line's style for a message of `tone`.
    public static func statusStyle(_ tone: StatusTone, _ styles: PaneStyles) -> Style {
        switch tone {
        case .info: return styles.text
        case .ok: return styles.ok
        case .warning: return styles.warning
        case .error: return styles.error
        }
    }

    static func drawStatus(_ state: ExplorerState, into buffer: inout CellBuffer, area: Rect) {
        if let prompt = state.prompt {
            let text = prompt.label + prompt.text
            let visible = String(text.suffix(max(0, area.width - 1)))
            buffer.write(visible + "█", at: Position(x: area.x, y: area.y), style: state.styles.text, maxWidth: area.width)
            let labelWidth = max(0, min(prompt.label.count, visible.count) - (text.count - visible.count))
            buffer.setStyle(state.styles.accent, in: Rect(x: area.x, y: area.y, width: labelWidth, height: 1))
            return
        }
        var textArea = area
        if let (done, total, what) = statusProgress(state) {
            let split = area.columns([.remainder, .fixed(min(24, area.width / 3))], spacing: 1)
            textArea = split[0]
            // The counts matter most: a label too long for the gauge drops its words.
            let label = what.count + "\(done)/\(total)".count <= split[1].width ? what + "\(done)/\(total)" : "\(done)/\(total)"
            Gauge(ratio: Double(done) / Double(total), label: label,
                  barStyle: state.styles.ok, labelStyle: state.styles.text.bolded).render(into: &buffer, area: split[1])
        }
        buffer.write(state.statusText, at: Position(x: textArea.x, y: textArea.y),
                     style: statusStyle(state.statusTone, state.styles), maxWidth: textArea.width)
    }

    /// One line of the help screen: a mode's title, or a binding's keys and summary.
    public enum HelpLine: Equatable, Sendable {
        /// A mode's title (``KeyMap/sections``).
        case title(String)
        /// Keys padded to `keyWidth` (the widest of their mode), then what they do.
        case binding(keys: String, summary: String, keyWidth: Int)
        /// The gap between modes.
        case blank
    }

    /// The help screen's lines, generated from every mode's table in ``KeyMap/sections``.
    public static func helpLines() -> [HelpLine] {
        var lines: [HelpLine] = []
        for (i, section) in KeyMap.sections.enumerated() {
            if i > 0 { lines.append(.blank) }
            lines.append(.title(section.title))
            let width = section.bindings.map(\.keyLabel.count).max() ?? 0
            lines += section.bindings.map { HelpLine.binding(keys: $0.keyLabel, summary: $0.summary, keyWidth: width) }
        }
        return lines
    }

    /// Draws the help box; when it is taller than the screen it scrolls (j/k) and the title says so.
    static func drawHelp(_ state: inout ExplorerState, into buffer: inout CellBuffer, area: Rect) {
        let lines = helpLines()
        let texts: [String] = lines.map {
            switch $0 {
            case .title(let title): return title
            case let .binding(keys, summary, keyWidth): return keys + String(repeating: " ", count: keyWidth - keys.count + 2) + summary
            case .blank: return ""
            }
        }
        let width = min(area.width, (texts.map(\.count).max() ?? 0) + 4)
        let height = min(area.height, lines.count + 2)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        buffer.fill(box)
        let visible = max(0, height - 2)
        let scrolls = visible < lines.count
        state.helpOffset = min(state.helpOffset, max(0, lines.count - visible))
        let block = Block(title: scrolls ? "Keys \(state.helpOffset + 1)–\(state.helpOffset + visible)/\(lines.count) (j/k scroll, ? closes)"
                                         : "Keys (? or Esc closes)", borderStyle: state.styles.border, titleStyle: state.styles.title)
        block.render(into: &buffer, area: box)
        let inner = block.inner(box)
        for (i, (line, text)) in zip(lines, texts).dropFirst(state.helpOffset).enumerated() where i < inner.height {
            let at = Position(x: inner.x + 1, y: inner.y + i)
            let room = max(0, inner.width - 1)
            switch line {
            case .title: buffer.write(text, at: at, style: state.styles.title, maxWidth: room)
            case .binding(_, _, let keyWidth):
                buffer.write(text, at: at, style: state.styles.text, maxWidth: room)
                buffer.setStyle(state.styles.accent, in: Rect(x: at.x, y: at.y, width: min(keyWidth, room), height: 1))
            case .blank: break
            }
        }
    }

    static func drawDialog(_ dialog: QuitDialog, styles: PaneStyles, into buffer: inout CellBuffer, area: Rect) {
        let width = min(area.width, 36), height = min(area.height, 5)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        buffer.fill(box)
        let block = Block(title: "Quit?", borderStyle: styles.warning, titleStyle: styles.warning.bolded)
        block.render(into: &buffer, area: box)
        let inner = block.inner(box)
        buffer.write(dialog.question, at: Position(x: inner.x + 1, y: inner.y), style: styles.text, maxWidth: inner.width - 1)
        let cancel = "[ Cancel ]", quit = "[ Quit (y) ]"
        let y = inner.y + 2
        let x = inner.x + 1
        buffer.write(cancel, at: Position(x: x, y: y), style: dialog.focus == .cancel ? styles.selection : styles.text)
        buffer.write(quit, at: Position(x: x + cancel.count + 2, y: y), style: dialog.focus == .quit ? styles.selection : styles.text,
                     maxWidth: max(0, inner.maxX - (x + cancel.count + 2)))
    }
}
