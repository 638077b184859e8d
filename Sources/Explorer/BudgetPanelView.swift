import TerminalUI

/// Draws the budget form over the body: the target kinds (the chosen one highlighted), the
/// value being typed, what the allocator may change and at which widths (each with its keys),
/// and the outcome of the last run; the title says when the allocation works on data-aware
/// output errors.
enum BudgetPanelView {
    /// `now  size 200MB · predicted ppl 88.6 · ±2 SE 71–110 · 12 extrapolated`: the plan as it
    /// stands, with the quality the sensitivity profile predicts (updated as ranks change) and
    /// what qualifies it (``ExplorerFormat/qualityNotes(_:short:)``); nil without a profile.
    static func nowLine(_ state: ExplorerState) -> String? {
        guard let quality = state.predictedQuality else { return nil }
        return (["now  size \(ExplorerFormat.bytes(state.totals.model.bytesAfter))", "predicted " + ExplorerFormat.qualityFigure(quality)]
                + ExplorerFormat.qualityNotes(quality, short: false)).joined(separator: " · ")
    }

    static func draw(_ panel: BudgetPanel, _ state: ExplorerState, into buffer: inout CellBuffer, area: Rect) {
        let width = min(area.width, 72)
        let free = state.settings.filter { $0.mark == .free }.count
        let locked = state.settings.filter { $0.mark == .locked }.count
        let excluded = state.settings.filter { $0.mark == .excluded }.count
        let now = nowLine(state)
        let layout = BudgetPanelLayout.fit(
            value: "value  \(panel.text)█   (e.g. \(panel.kind.example))", now: now,
            counts: ["free \(free)", "locked \(locked) (p)", "excluded \(excluded) (x)"],
            widths: ["factors \(panel.factorBits)-bit (↑↓)", "backbone \(panel.backboneBits.map { "\($0)-bit" } ?? "none") (PgUp/PgDn)",
                     "group \(panel.groupSize) (Home/End)", "objective \(panel.objective.rawValue) (^O)",
                     "min rank \(panel.minimumRank) (^N)",
                     "also " + (panel.allowedBits.isEmpty ? "none" : panel.allowedBitsText + "-bit") + " (^E)"],
            outcome: panel.outcome, shown: ExplorerState.widthsLine(panel.widths), width: max(1, width - 4), rows: max(0, area.height - 3))
        let height = min(area.height, 3 + layout.rows)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        buffer.fill(box)
        let styles = state.styles
        let scope = state.spectrumKind == .dataAware ? "Budget, data-aware" : "Budget"
        let help = scope + " (Tab kind, Enter allocates, Esc closes)"
        // Narrow: the target line says (Tab) itself.
        let block = Block(title: help.count + 4 <= width ? help : scope + " (Enter allocates, Esc closes)",
                          borderStyle: styles.border, titleStyle: styles.title)
        block.render(into: &buffer, area: box)
        let inner = block.inner(box).inset(left: 1, right: 1)
        var y = inner.y
        func line(_ text: String, style: Style) {
            guard y < inner.maxY else { return }
            buffer.write(text, at: Position(x: inner.x, y: y), style: style, maxWidth: inner.width)
            y += 1
        }
        // Every kind when they fit, else the chosen one and the key that changes it.
        var x = inner.x
        buffer.write("target ", at: Position(x: x, y: y), style: styles.text, maxWidth: inner.width)
        x += 7
        let all = BudgetEntry.Kind.allCases
        let fits = 7 + all.map { $0.name.count + 3 }.reduce(0, +) <= inner.width
        for kind in fits ? all : [panel.kind] {
            let label = " \(kind.name) "
            buffer.write(label, at: Position(x: x, y: y), style: kind == panel.kind ? styles.selection : styles.text,
                         maxWidth: max(0, inner.maxX - x))
            x += label.count + 1
        }
        if !fits { buffer.write("(Tab)", at: Position(x: x, y: y), style: styles.dim, maxWidth: max(0, inner.maxX - x)) }
        y += 1
        for (i, text) in layout.form.enumerated() { line(text, style: i < layout.head ? styles.text : styles.dim) }
        if layout.gap { y += 1 }
        for text in layout.outcome {
            line(text, style: panel.failed ? styles.error : styles.ok)
        }
    }
}
