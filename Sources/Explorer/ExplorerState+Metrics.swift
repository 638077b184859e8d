import Planning

/// WeightWatcher's heavy-tailed metrics in the explorer: the table's optional columns (`t`), the
/// heatmap's alpha mode (`A`), the alpha sort and the log-log ESD view (`6`), all of the shown
/// spectrum kind and computed from the spectra on first use (``MetricsMemo``).
extension ExplorerState {
    /// Row `index`'s metrics of the shown kind, once its spectrum is ready.
    public func metrics(_ index: Int) -> SpectralMetrics? {
        statuses[index].spectrum.map { metricsMemo.metrics(of: $0, kind: spectrumKind) }
    }

    /// Every row's metrics of the shown kind (nil while its spectrum is not ready), the missing
    /// ones computed on every core.
    public func allMetrics() -> [SpectralMetrics?] {
        metricsMemo.metrics(of: statuses.map(\.spectrum), kind: spectrumKind)
    }

    /// Row `index`'s planning caution (``SpectralCaution``), once its spectrum is ready.
    public func caution(_ index: Int) -> SpectralCaution? {
        metrics(index).map(SpectralCaution.init(metrics:))
    }

    mutating func toggleMetricColumns() -> ExplorerUpdate {
        showsMetricColumns.toggle()
        return .say(showsMetricColumns
            ? "Table: alpha, spikes above the MP bulk and caution (heavy-tail α<2, mostly-noise, poor-fit). t hides them."
            : "Table: metric columns hidden (t shows them).")
    }

    /// Every row inside a block as a heatmap cell carrying its alpha (computed on every core).
    public var heatmapAlphaCells: [HeatmapPane.Cell] {
        let metrics = allMetrics()
        return entries.indices.compactMap { i in
            entries[i].name.block.map {
                HeatmapPane.Cell(block: $0, role: entries[i].name.role, spectrum: statuses[i].spectrum,
                                 alpha: metrics[i].map(\.alpha))
            }
        }
    }
}
