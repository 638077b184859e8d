import Foundation
import Planning
import TerminalUI

/// Draws the right-hand pane for the state's ``ViewMode``: the selected layer's spectrum, the
/// overlay (marked layers, else the selected role across depth), the block × role heatmap, the
/// plan as dense low-rank versus sparse formats, or the compression job.
enum ViewPaneView {
    static func draw(_ state: ExplorerState, estimates: [LayerEstimate], into buffer: inout CellBuffer, area: Rect) {
        let styles = state.styles
        switch state.viewMode {
        case .spectrum:
            let index = state.selection
            let selected = state.selectedEntry != nil
            SpectrumPane(title: selected ? "Spectrum " + state.displayName(index) : "Spectrum",
                         status: selected ? state.statuses[index] : nil,
                         chosenRank: selected ? state.ranks[index] : nil,
                         estimate: selected ? estimates[index] : nil, styles: styles).render(into: &buffer, area: area)
        case .overlay:
            let overlay = state.overlayLines
            OverlayPane(title: overlay.title + (state.overlayNormalized ? "  σ/σ₁ (n)" : "  (n normalises)"),
                        spectra: overlay.lines, normalized: state.overlayNormalized, styles: styles)
                .render(into: &buffer, area: area)
        case .heatmap:
            HeatmapPane(title: "Rank for \(ExplorerFormat.trimmedPercent(state.heatmapEnergy)) energy (E cycles)",
                        cells: state.heatmapCells, energy: state.heatmapEnergy, styles: styles)
                .render(into: &buffer, area: area)
        case .sparseDense:
            let inputs = state.sparseDenseInputs(rowEstimates: estimates)
            guard !inputs.shapes.isEmpty else {
                let block = Block(title: "Sparse vs dense low-rank", borderStyle: styles.border, titleStyle: styles.title)
                block.render(into: &buffer, area: area)
                Legend(wrapping: "No layer is factorized yet: give layers a rank (+, e, a for a budget) to compare "
                       + "dense low-rank with pruning to the same parameter count.", style: styles.dim)
                    .render(into: &buffer, area: block.inner(area).inset(left: 1, right: 1))
                return
            }
            SparseDensePane(shapes: inputs.shapes, keptParameters: inputs.kept, valueBits: inputs.bits, styles: styles)
                .render(into: &buffer, area: area)
        case .jobs:
            JobsPane(job: state.job, now: state.clock(), styles: styles).render(into: &buffer, area: area)
        }
    }
}
