import TerminalUI

/// The styles the explorer's panes draw with, resolved once from a ``Theme``.
///
/// Keys (see `Themes/default.theme`): `foreground`, `text.dim`, `title`, `border`, `accent`,
/// `selection`, `status.ok`, `status.warning`, `status.error`, `chart.axis`,
/// `chart.line` (singular values), `chart.energy` (cumulative energy), `chart.rank` (the chosen
/// rank), `marker.r90`, `marker.r99`, `marker.r999`, `marker.breakeven`, `chart.series.1`…
/// (overlay lines, in order until the first missing number), `heat.1`… (heatmap ramp, low to
/// high; `heat.1 = default` turns the colours off), `bar.dense`, `bar.sparse`, `bar.best`. A key
/// the theme lacks falls back to the built-in default theme's style, so a partial theme still
/// draws everything.
public struct PaneStyles: Equatable, Sendable {
    /// Ordinary text.
    public var text: Style
    /// Secondary text (units, hints).
    public var dim: Style
    /// Pane titles.
    public var title: Style
    /// Pane borders.
    public var border: Style
    /// Highlights such as the title bar.
    public var accent: Style
    /// The selected row of a table.
    public var selection: Style
    /// Chart axes and their labels.
    public var axis: Style
    /// The singular-value line.
    public var singularValues: Style
    /// The cumulative-energy line.
    public var energy: Style
    /// The chosen rank's marker.
    public var chosenRank: Style
    /// The 90% energy rank's marker.
    public var energyRank90: Style
    /// The 99% energy rank's marker.
    public var energyRank99: Style
    /// The 99.9% energy rank's marker.
    public var energyRank999: Style
    /// The break-even rank's marker.
    public var breakEven: Style
    /// Overlay lines, used in turn (never empty).
    public var series: [Style]
    /// Heatmap palette indices from low to high (empty: shades only).
    public var heatRamp: [UInt8]
    /// Dense low-rank bars and lines.
    public var dense: Style
    /// Sparse-format bars and lines.
    public var sparse: Style
    /// Emphasis for the smallest size in a comparison.
    public var best: Style
    /// Success messages.
    public var ok: Style
    /// Warnings.
    public var warning: Style
    /// Error messages.
    public var error: Style

    /// Resolves every style from `theme`, falling back key by key to ``Theme/builtInDefault``.
    public init(theme: Theme) {
        let fallback = Theme.builtInDefault
        func style(_ key: String) -> Style { theme.styles[key] ?? fallback.style(key) }
        text = style("foreground")
        dim = style("text.dim")
        title = style("title")
        border = style("border")
        accent = style("accent")
        selection = style("selection")
        axis = style("chart.axis")
        singularValues = style("chart.line")
        energy = style("chart.energy")
        chosenRank = style("chart.rank")
        energyRank90 = style("marker.r90")
        energyRank99 = style("marker.r99")
        energyRank999 = style("marker.r999")
        breakEven = style("marker.breakeven")
        dense = style("bar.dense")
        sparse = style("bar.sparse")
        best = style("bar.best")
        ok = style("status.ok")
        warning = style("status.warning")
        error = style("status.error")
        let own = PaneStyles.numbered("chart.series.", in: theme)
        series = own.isEmpty ? PaneStyles.numbered("chart.series.", in: fallback) : own
        if series.isEmpty { series = [text] }
        let ramp = PaneStyles.numbered("heat.", in: theme)
        heatRamp = (ramp.isEmpty ? PaneStyles.numbered("heat.", in: fallback) : ramp).compactMap { $0.foreground == .default ? nil : UInt8($0.foreground.paletteIndex) }
    }

    /// The styles of the built-in default theme.
    public static let standard = PaneStyles(theme: .builtInDefault)

    /// The styles of `prefix1`, `prefix2`, … up to the first missing number.
    static func numbered(_ prefix: String, in theme: Theme) -> [Style] {
        var out: [Style] = []
        while let s = theme.styles[prefix + String(out.count + 1)] { out.append(s) }
        return out
    }
}
