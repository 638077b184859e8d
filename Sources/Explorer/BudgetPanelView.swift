import TerminalUI

/// Draws the budget form over the body: the target kinds (the chosen one highlighted), the
/// value being typed, what the allocator may change, and the outcome of the last run; the title
/// says when the allocation works on data-aware output errors.
enum BudgetPanelView {
    static func draw(_ panel: BudgetPanel, _ state: ExplorerState, into buffer: inout CellBuffer, area: Rect) {
        let width = min(area.width, 72)
        let height = min(area.height, 6 + panel.outcome.count)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        buffer.fill(box)
        let styles = state.styles
        let scope = state.spectrumKind == .dataAware ? "Budget, data-aware" : "Budget"
        let block = Block(title: scope + " (Tab kind, ↑↓ bits, Enter allocates, Esc closes)", borderStyle: styles.border,
                          titleStyle: styles.title)
        block.render(into: &buffer, area: box)
        let inner = block.inner(box).inset(left: 1, right: 1)
        var y = inner.y
        func line(_ text: String, style: Style) {
            guard y < inner.maxY else { return }
            buffer.write(text, at: Position(x: inner.x, y: y), style: style, maxWidth: inner.width)
            y += 1
        }
        var x = inner.x
        buffer.write("target ", at: Position(x: x, y: y), style: styles.text, maxWidth: inner.width)
        x += 7
        for kind in BudgetEntry.Kind.allCases {
            let label = " \(kind.name) "
            buffer.write(label, at: Position(x: x, y: y), style: kind == panel.kind ? styles.selection : styles.text,
                         maxWidth: max(0, inner.maxX - x))
            x += label.count + 1
        }
        y += 1
        line("value  \(panel.text)█   (e.g. \(panel.kind.example))", style: styles.text)
        let free = state.settings.filter { $0.mark == .free }.count
        let locked = state.settings.filter { $0.mark == .locked }.count
        let excluded = state.settings.filter { $0.mark == .excluded }.count
        line("free \(free) · locked \(locked) (p) · excluded \(excluded) (x) · factors \(panel.factorBits)-bit (↑↓)",
             style: styles.dim)
        y += 1
        for text in panel.outcome {
            line(text, style: panel.failed ? styles.error : styles.ok)
        }
    }
}
