/// One bar of a `BarChart`: a label, a value, and optionally its own style.
public struct BarChartItem: Hashable {
    /// Text left of the bar.
    public var label: String
    /// Length of the bar in data units (negative and NaN draw no bar).
    public var value: Double
    /// Style of this bar; nil uses the chart's `barStyle`.
    public var style: Style?
    /// Text right of the bar; nil formats `value` compactly.
    public var valueText: String?

    /// Creates an item.
    public init(label: String, value: Double, style: Style? = nil, valueText: String? = nil) {
        self.label = label
        self.value = value
        self.style = style
        self.valueText = valueText
    }
}
