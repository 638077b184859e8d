import Foundation
import Planning
import TerminalUI

/// Draws the right-hand pane for the state's ``ViewMode``: the selected layer's spectrum, the
/// overlay (marked layers, else the selected role across depth), the block × role heatmap, the
/// plan as dense low-rank versus sparse formats, or the compression job. Views drawn from
/// spectra use the shown kind's and say so in their title when it is the data-aware kind.
enum ViewPaneView {
    static func draw(_ state: ExplorerState, estimates: [LayerEstimate], into buffer: inout CellBuffer, area: Rect) {
        let styles = state.styles
        let prefix = state.spectrumKind == .dataAware ? "Data-aware " : ""
        switch state.viewMode {
        case .spectrum:
            let index = state.selection
            let selected = state.selectedEntry != nil
            let title = prefix.isEmpty ? "Spectrum" : "Data-aware"
            var pane = SpectrumPane(title: selected ? title + " " + state.displayName(index) : title,
                                    status: selected ? state.statuses[index] : nil,
                                    chosenRank: selected ? state.ranks[index] : nil,
                                    estimate: selected ? estimates[index] : nil, styles: styles)
            pane.kind = state.spectrumKind
            pane.comparison = selected ? state.spectrum(index, of: state.spectrumKind.other) : nil
            pane.render(into: &buffer, area: area)
        case .overlay:
            let overlay = state.overlayLines
            OverlayPane(title: prefix + overlay.title + (state.overlayNormalized ? "  σ/σ₁ (n)" : "  (n normalises)"),
                        spectra: overlay.lines, normalized: state.overlayNormalized, styles: styles)
                .render(into: &buffer, area: area)
        case .heatmap:
            let energy = ExplorerFormat.trimmedPercent(state.heatmapEnergy)
            var pane = HeatmapPane(title: prefix.isEmpty ? "Rank for \(energy) energy (E cycles)" : "Data-aware rank for \(energy) (E)",
                                   cells: state.heatmapCells, energy: state.heatmapEnergy, styles: styles)
            let metric = state.sensitivity?.metric.description ?? "loss"
            switch state.heatmapContent {
            case .rank: break
            case .alpha:
                pane.cells = state.heatmapAlphaCells
                pane.content = .alpha
                pane.title = prefix + "Alpha per block × role (A: next)"
            case .lossAtPlan:
                pane.cells = state.heatmapLossCells(.lossAtPlan)
                pane.content = .loss(caption: "Δ \(metric) at the plan's choices")
                pane.title = "Sensitivity at the plan (A: next)"
            case .lossAtProbe, .measuredLossAtProbe:
                let shrunk = state.heatmapContent == .lossAtProbe
                pane.cells = state.heatmapLossCells(state.heatmapContent)
                pane.content = .loss(caption: "Δ \(metric) at rank \(state.lowestProbeLabel) of full, " + (shrunk ? "shrunk toward its role" : "as measured"))
                // Which of the two comes first: the pane is 36 columns wide at 80×24.
                pane.title = "Probe Δ, " + (shrunk ? "shrunk" : "as measured") + " (A: next)"
            }
            pane.render(into: &buffer, area: area)
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
            let measurements = MeasurementsPane(measurements: state.measurements, textPath: state.measureTextPath, styles: styles)
            let jobs = JobsPane(job: state.job, now: state.clock(), styles: styles)
            if state.measurements.isEmpty && state.measureTextPath == nil {
                jobs.render(into: &buffer, area: area)
            } else if state.job == nil {
                measurements.render(into: &buffer, area: area)
            } else {
                let halves = area.rows([.fraction(0.5), .remainder])
                jobs.render(into: &buffer, area: halves[0])
                measurements.render(into: &buffer, area: halves[1])
            }
        case .esd:
            let index = state.selection
            let selected = state.selectedEntry != nil
            ESDPane(title: prefix + "ESD" + (selected ? " " + state.displayName(index) : ""),
                    status: selected ? state.statuses[index] : nil, metrics: selected ? state.metrics(index) : nil,
                    styles: styles)
                .render(into: &buffer, area: area)
        }
    }
}
