/// A labelled vertical line on a `LineChart` at a data x position, such as the chosen rank
/// or the rank that keeps 90 % of the energy.
public struct ChartMarker: Hashable {
    /// Position in data units along the x axis.
    public var x: Double
    /// Short label drawn beside the top of the line (successive markers use successive rows
    /// so nearby labels do not overwrite each other).
    public var label: String
    /// Style of the line and its label.
    public var style: Style

    /// Creates a marker.
    public init(x: Double, label: String, style: Style = .plain) {
        self.x = x
        self.label = label
        self.style = style
    }
}
