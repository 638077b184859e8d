import Planning

/// The heatmap's loss kinds (``HeatmapContent/lossAtPlan``, ``HeatmapContent/lossAtProbe``,
/// ``HeatmapContent/measuredLossAtProbe``): per block × role, the loss increase from the
/// sensitivity profile, beside the rank and alpha kinds.
extension ExplorerState {
    /// `A`: the next heatmap content (rank → alpha → Δloss at the plan → Δloss at the lowest
    /// probe, shrunk → as measured; the loss kinds only with a profile), showing the heatmap.
    mutating func cycleHeatmapContent() -> ExplorerUpdate {
        heatmapContent = heatmapContent.next(withLoss: sensitivity != nil)
        if viewMode != .heatmap { viewMode = .heatmap }
        let more = sensitivity == nil ? " (--sensitivity adds the loss increases)" : ""
        switch heatmapContent {
        case .rank: return .say("Heatmap: rank for \(ExplorerFormat.trimmedPercent(heatmapEnergy)) of the energy. A: alpha." + more)
        case .alpha: return .say("Heatmap: alpha per block × role (2–6 well trained). A: " + (sensitivity == nil ? "rank." + more : "Δloss at the plan."))
        case .lossAtPlan: return .say("Heatmap: the loss increase each matrix's current choice adds (profile). A: at the lowest probe.")
        case .lossAtProbe: return .say("Heatmap: each matrix's loss increase at its lowest-rank probe, shrunk toward its role by its noise. A: as measured.")
        case .measuredLossAtProbe: return .say("Heatmap: each matrix's loss increase at its lowest-rank probe as measured (before shrinkage). A: rank.")
        }
    }

    /// The lowest probed rank as a share of full rank (`10%`), for the caption.
    var lowestProbeLabel: String {
        sensitivity?.settings.rankFractions.min().map(ExplorerFormat.trimmedPercent) ?? "?"
    }

    /// Every row inside a block as a heatmap cell carrying its loss increase of `content`: at its
    /// current choice (``HeatmapContent/lossAtPlan``), else at its lowest-rank probe with 16-bit
    /// factors, shrunk (``HeatmapContent/lossAtProbe``) or as measured.
    public func heatmapLossCells(_ content: HeatmapContent) -> [HeatmapPane.Cell] {
        guard let sensitivity else { return [] }
        let prediction = content == .lossAtPlan ? qualityModel : nil
        let shrunk = content == .lossAtProbe ? ProbeShrinkage.increases(of: sensitivity) : nil
        return entries.indices.compactMap { i in
            guard let block = entries[i].name.block else { return nil }
            let name = entries[i].info.name
            let loss: Double?
            if let prediction {
                loss = prediction.lossIncrease(matrix: name, choice: settings[i].effectiveChoice)
            } else if let points = sensitivity.probes(of: name)?.points,
                      let lowest = points.indices.filter({ points[$0].factorBits == 16 }).min(by: { points[$0].rank < points[$1].rank }) {
                loss = shrunk?[name]?[lowest] ?? points[lowest].lossIncrease
            } else {
                loss = nil
            }
            return HeatmapPane.Cell(block: block, role: entries[i].name.role, spectrum: statuses[i].spectrum, loss: loss)
        }
    }
}
