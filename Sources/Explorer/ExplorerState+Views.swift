import Planning

/// The right-hand pane's views (spectrum, overlay, heatmap, sparse vs dense, jobs), their
/// options, and the inputs each view's pane is drawn from.
extension ExplorerState {
    mutating func showView(_ mode: ViewMode) -> ExplorerUpdate {
        viewMode = mode
        return .say("View: \(mode.name)" + (paneFullScreen ? " (f gives the table back)." : ". (f: full screen)"))
    }

    mutating func toggleFullScreen() -> ExplorerUpdate {
        paneFullScreen.toggle()
        return .say(paneFullScreen ? "The \(viewMode.name) view takes the screen; f gives the table back."
                                    : "Table and \(viewMode.name) view side by side (on terminals 80 wide or more).")
    }

    mutating func toggleOverlayMark() -> ExplorerUpdate {
        guard case .layer(let index)? = cursor else {
            return .say("Select a layer (not a block) to mark it for the overlay.", tone: .warning)
        }
        if let position = overlayMarks.firstIndex(of: index) {
            overlayMarks.remove(at: position)
            return .say("Unmarked \(displayName(index)); \(overlayMarks.count) marked for the overlay.")
        } else {
            overlayMarks.append(index)
            return .say("Marked \(displayName(index)); \(overlayMarks.count) marked for the overlay (2 shows it).")
        }
    }

    mutating func toggleNormalized() -> ExplorerUpdate {
        overlayNormalized.toggle()
        return .say(overlayNormalized ? "Overlay: σᵢ/σ₁ (normalised)." : "Overlay: σᵢ.")
    }

    mutating func cycleHeatmapEnergy() -> ExplorerUpdate {
        heatmapEnergyIndex = (heatmapEnergyIndex + 1) % ViewMode.heatmapEnergies.count
        return .say("Heatmap: rank keeping \(ExplorerFormat.trimmedPercent(heatmapEnergy)) of the energy.")
    }

    /// The energy share the heatmap shows.
    public var heatmapEnergy: Double { ViewMode.heatmapEnergies[heatmapEnergyIndex] }

    /// Every row inside a block as a heatmap cell.
    public var heatmapCells: [HeatmapPane.Cell] {
        entries.indices.compactMap { i in
            entries[i].name.block.map { HeatmapPane.Cell(block: $0, role: entries[i].name.role, spectrum: statuses[i].spectrum) }
        }
    }

    /// The overlay's title and lines: the marked layers with a spectrum, or else the selected
    /// layer's role across depth.
    public var overlayLines: (title: String, lines: [OverlayPane.Line]) {
        if !overlayMarks.isEmpty {
            let lines = overlayMarks.compactMap { i in
                statuses[i].spectrum.map { OverlayPane.Line(name: displayName(i), singularValues: $0.singularValues) }
            }
            return ("Marked layers (\(overlayMarks.count), m unmarks)", lines)
        }
        guard selectedEntry != nil else { return ("Overlay", []) }
        let role = entries[selection].name.role
        return ("\(role) across depth (m marks layers)", OverlayPane.acrossDepth(role: role, cells: heatmapCells))
    }

    /// The sparse-vs-dense inputs: the shapes of the rows the plan factorizes, the parameters
    /// they keep, and the factor bits most of them use (16 when none is factorized).
    public func sparseDenseInputs(rowEstimates: [LayerEstimate]) -> (shapes: [(rows: Int, columns: Int)], kept: Int, bits: Int) {
        var shapes: [(rows: Int, columns: Int)] = []
        var kept = 0
        var bitsCount: [Int: Int] = [:]
        for i in entries.indices {
            guard case let .lowRank(_, factorBits, _, _, _) = choice(i), let shape = entries[i].matrixShape else { continue }
            shapes.append(shape)
            kept += rowEstimates[i].parametersAfter
            bitsCount[factorBits, default: 0] += 1
        }
        let bits = bitsCount.max { $0.value != $1.value ? $0.value < $1.value : $0.key < $1.key }?.key ?? 16
        return (shapes, kept, bits)
    }
}
