import Planning
import TerminalUI

/// The frame the spectrum-based panes share: a titled border, and inside it either what the
/// layer's ``SpectrumStatus`` says while no spectrum is ready (no layer, computing, the failure's
/// sentence) or, once it is, whatever the pane draws from the spectrum.
struct SpectrumFrame {
    let title: String
    let status: SpectrumStatus?
    let styles: PaneStyles

    /// Draws the frame into `area`; `ready` draws the pane's content into the inner area when the
    /// spectrum is known, and `estimated` (when given) draws a partial estimate into the rows left
    /// below the sentence that marks it as one.
    func render(into buffer: inout CellBuffer, area: Rect,
                estimated: ((Spectrum, inout CellBuffer, Rect) -> Void)? = nil,
                ready: (Spectrum, inout CellBuffer, Rect) -> Void) {
        let block = Block(title: title, borderStyle: styles.border, titleStyle: styles.title)
        block.render(into: &buffer, area: area)
        let inner = block.inner(area)
        guard !inner.isEmpty else { return }
        let message = Rect(x: inner.x + 1, y: inner.y, width: inner.width - 1, height: 1)
        switch status {
        case nil:
            buffer.write("no layer selected", at: Position(x: message.x, y: message.y), style: styles.dim, maxWidth: message.width)
        case .pending?:
            buffer.write("computing spectrum…", at: Position(x: message.x, y: message.y), style: styles.dim, maxWidth: message.width)
        case .estimated(let estimate)?:
            let leading: Int
            if case .estimate(let count) = estimate.exactness { leading = count } else { leading = 0 }
            let sentence = Legend(wrapping: "≈ estimated: top \(leading) of \(estimate.singularValues.count) values (each ≤ the exact one), r99 ≤ \(estimate.summary.energyRank99); exact spectrum computing…",
                                  style: styles.dim)
            let rows = min(inner.height, sentence.height(width: message.width))
            sentence.render(into: &buffer, area: message.resized(height: rows))
            if let estimated, inner.height > rows {
                estimated(estimate, &buffer, Rect(x: inner.x, y: inner.y + rows, width: inner.width, height: inner.height - rows))
            }
        case .failed(let why)?:
            Legend(wrapping: why, style: styles.error).render(into: &buffer, area: message.resized(height: inner.height))
        case .ready(let spectrum)?:
            ready(spectrum, &buffer, inner)
        }
    }
}
