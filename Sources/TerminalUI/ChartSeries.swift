/// One line of a `LineChart`: named points drawn in one style.
///
/// Points need not be sorted or finite: consecutive drawable points are joined, and a
/// non-finite point (or a non-positive y on a log axis) breaks the line.
public struct ChartSeries {
    /// Name for legends drawn by the caller.
    public var name: String
    /// The points in data units.
    public var points: [(x: Double, y: Double)]
    /// Style of the braille cells this series draws.
    public var style: Style

    /// Creates a series from explicit points.
    public init(name: String, points: [(x: Double, y: Double)], style: Style = .plain) {
        self.name = name
        self.points = points
        self.style = style
    }

    /// Creates a series from values at x = 1, 2, 3, … (e.g. singular values by rank).
    public init(name: String, values: [Double], style: Style = .plain) {
        self.init(name: name, points: values.enumerated().map { (x: Double($0.offset + 1), y: $0.element) },
                  style: style)
    }
}
