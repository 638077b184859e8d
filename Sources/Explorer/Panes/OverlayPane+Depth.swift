extension OverlayPane {
    /// The lines comparing one role across depth: the spectra of `role` in `cells`, by block,
    /// named `block N`; when more than `limit` are known, `limit` of them evenly spaced from the
    /// first block to the last (so the legend and colours stay readable).
    public static func acrossDepth(role: String, cells: [HeatmapPane.Cell], limit: Int = 8) -> [Line] {
        let known = cells.filter { $0.role == role && $0.spectrum != nil }.sorted { $0.block < $1.block }
        let picked: [HeatmapPane.Cell]
        if known.count > limit, limit >= 2 {
            picked = (0..<limit).map { known[($0 * (known.count - 1) + (limit - 1) / 2) / (limit - 1)] }
        } else {
            picked = Array(known.prefix(max(limit, 1)))
        }
        return picked.map { Line(name: "block \($0.block)", singularValues: $0.spectrum!.singularValues) }
    }
}
