#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A braille line chart with y labels on the left, an x axis with its range below, several
/// series, optional log-10 y axis, and labelled vertical markers.
///
/// Layout: when the area is at least 3 rows high and wide enough, the left gutter holds y
/// labels (top = y max, bottom = y min, and on a log axis each power of ten that lands on a
/// free row) followed by `│`; the second-last row is the `└───` axis, the last row shows the
/// x min (left) and x max (right) unless `showsXLabels` is false (then the plot takes that row).
/// Smaller areas get the plot alone.
/// A y value maps to pixel row `round((1 − t) · (pixelHeight − 1))`, t its position in the
/// (log-transformed) y range, and so to cell row `pixelRow / 4` of the plot area.
public struct LineChart: Widget {
    /// The lines to draw, later ones on top.
    public var series: [ChartSeries]
    /// Vertical marker lines.
    public var markers: [ChartMarker]
    /// Plot y on a log-10 scale (non-positive values are skipped).
    public var logY: Bool
    /// Fixed x range; nil fits the data.
    public var xRange: ClosedRange<Double>?
    /// Fixed y range in data units; nil fits the data (on a log axis a non-positive lower
    /// bound also falls back to fitting the data).
    public var yRange: ClosedRange<Double>?
    /// Style of axes and labels.
    public var axisStyle: Style
    /// Text after every y label (such as `%`).
    public var yLabelSuffix: String = ""
    /// Draw the x range below the axis (false for a chart stacked above another on the same x).
    public var showsXLabels: Bool = true
    /// What x measures (such as `rank`), centred between the x min and max labels when it fits.
    public var xTitle: String = ""

    /// Creates a chart.
    public init(series: [ChartSeries], markers: [ChartMarker] = [], logY: Bool = false,
                xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil,
                axisStyle: Style = .plain) {
        self.series = series
        self.markers = markers
        self.logY = logY
        self.xRange = xRange
        self.yRange = yRange
        self.axisStyle = axisStyle
    }

    /// The x range actually used: `xRange`, or the data's, widened when empty or a single point.
    public var resolvedXRange: ClosedRange<Double> {
        if let r = xRange, r.lowerBound.isFinite, r.upperBound.isFinite, r.upperBound > r.lowerBound { return r }
        var lo = Double.infinity, hi = -Double.infinity
        for s in series { for p in s.points where usable(p) { lo = min(lo, p.x); hi = max(hi, p.x) } }
        return LineChart.widen(lo, hi, log: false)
    }

    /// The y range actually used, in data units.
    public var resolvedYRange: ClosedRange<Double> {
        if let r = yRange, r.lowerBound.isFinite, r.upperBound.isFinite, r.upperBound > r.lowerBound,
           !logY || r.lowerBound > 0 { return r }
        var lo = Double.infinity, hi = -Double.infinity
        for s in series { for p in s.points where usable(p) { lo = min(lo, p.y); hi = max(hi, p.y) } }
        return LineChart.widen(lo, hi, log: logY)
    }

    /// Where the braille plot lands inside `area` (all of it when axes do not fit).
    public func plotArea(in area: Rect) -> Rect {
        let gutter = gutterWidth()
        let below = showsXLabels ? 2 : 1
        guard area.height >= below + 1, area.width >= gutter + 2 else { return area }
        return Rect(x: area.x + gutter, y: area.y, width: area.width - gutter, height: area.height - below)
    }

    /// The cell row, relative to the plot area's top, on which y value `y` is drawn for a plot
    /// of `plotHeight` rows; nil when it is outside the range or not drawable.
    public func row(forY y: Double, plotHeight: Int) -> Int? {
        guard plotHeight > 0, let t = yFraction(y, in: transformedYRange()), t >= -1e-9, t <= 1 + 1e-9 else { return nil }
        let h = min(plotHeight, Rect.limit)
        return Int(((1 - t) * Double(h * 4 - 1)).rounded()) / 4
    }

    /// Draws axes, labels, markers and series into `area`.
    public func render(into buffer: inout CellBuffer, area: Rect) {
        let area = area.intersection(buffer.area)  // lay out in the visible part only
        guard !area.isEmpty else { return }
        let plot = plotArea(in: area)
        guard !plot.isEmpty else { return }
        if plot != area { drawAxes(into: &buffer, area: area, plot: plot) }
        let xr = resolvedXRange
        // The y range once per frame, not per point: a 8192-value spectrum stays linear.
        let yr = transformedYRange()
        var canvas = BrailleCanvas(width: plot.width, height: plot.height)
        let pw = Double(canvas.pixelWidth - 1), ph = Double(canvas.pixelHeight - 1)
        func px(_ x: Double) -> Double { (x - xr.lowerBound) / (xr.upperBound - xr.lowerBound) * pw }
        // Marker lines under the data.
        var markerColumns: [Int?] = []
        for m in markers {
            let p = px(m.x)
            guard m.x.isFinite, xr.contains(m.x), p.isFinite else { markerColumns.append(nil); continue }
            let col = plot.x + Int(p.rounded()) / 2
            markerColumns.append(col)
            for y in plot.y..<plot.maxY { buffer.set(x: col, y: y, "│", style: m.style) }
        }
        for s in series {
            var prev: (Double, Double)?
            // Consecutive points in one pixel column join vertically: their segments are drawn as
            // one span, so a series far longer than the plot is wide costs one line per column.
            var span: (x: Double, low: Double, high: Double)?
            func flushSpan() {
                if let v = span { canvas.drawLine(fromX: v.x, y0: v.low, toX: v.x, y1: v.high, style: s.style) }
                span = nil
            }
            for p in s.points {
                guard usable(p), let t = yFraction(p.y, in: yr) else { flushSpan(); prev = nil; continue }
                let cur = (px(p.x), (1 - t) * ph)
                if let a = prev, a.0.rounded() == cur.0.rounded() {
                    let v = span ?? (x: a.0, low: a.1, high: a.1)
                    span = (x: v.x, low: min(v.low, cur.1), high: max(v.high, cur.1))
                } else if let a = prev {
                    flushSpan()
                    canvas.drawLine(fromX: a.0, y0: a.1, toX: cur.0, y1: cur.1, style: s.style)
                } else {
                    canvas.drawLine(fromX: cur.0, y0: cur.1, toX: cur.0, y1: cur.1, style: s.style)
                }
                prev = cur
            }
            flushSpan()
        }
        canvas.render(into: &buffer, area: plot)
        // Marker labels on top, one row per marker so neighbours do not collide.
        for (i, m) in markers.enumerated() {
            guard let col = markerColumns[i], !m.label.isEmpty else { continue }
            let y = plot.y + i % plot.height
            let w = DisplayWidth.of(m.label)
            if col + 1 + w <= plot.maxX {
                buffer.write(m.label, at: Position(x: col + 1, y: y), style: m.style, maxWidth: plot.maxX - col - 1)
            } else if col - w >= plot.x {
                buffer.write(m.label, at: Position(x: col - w, y: y), style: m.style, maxWidth: w)
            } else {
                buffer.write(m.label, at: Position(x: col + 1, y: y), style: m.style, maxWidth: max(0, plot.maxX - col - 1))
            }
        }
    }

    // MARK: internals

    private func usable(_ p: (x: Double, y: Double)) -> Bool {
        p.x.isFinite && p.y.isFinite && (!logY || p.y > 0)
    }

    private func transform(_ y: Double) -> Double? {
        guard y.isFinite else { return nil }
        if logY { return y > 0 ? log10(y) : nil }
        return y
    }

    /// The resolved y range's ends after the axis transform; nil when they are not drawable.
    private func transformedYRange() -> (lo: Double, hi: Double)? {
        let r = resolvedYRange
        guard let lo = transform(r.lowerBound), let hi = transform(r.upperBound), hi > lo else { return nil }
        return (lo, hi)
    }

    private func yFraction(_ y: Double, in range: (lo: Double, hi: Double)?) -> Double? {
        guard let range, let v = transform(y) else { return nil }
        return (v - range.lo) / (range.hi - range.lo)
    }

    private static func widen(_ lo: Double, _ hi: Double, log: Bool) -> ClosedRange<Double> {
        guard lo.isFinite, hi.isFinite, lo <= hi else { return log ? 1...10 : 0...1 }
        if hi > lo { return lo...hi }
        if log { return (lo / 10)...(hi * 10) }
        let pad = max(abs(lo) * 0.1, 1e-9)
        return (lo - pad)...(hi + pad)
    }

    private func yLabels() -> [(value: Double, text: String)] {
        let r = resolvedYRange
        var out = [(value: r.upperBound, text: NumberFormat.compact(r.upperBound) + yLabelSuffix),
                   (value: r.lowerBound, text: NumberFormat.compact(r.lowerBound) + yLabelSuffix)]
        let l0 = log10(r.lowerBound), l1 = log10(r.upperBound)
        if logY, l0.isFinite, l1.isFinite {
            let lo = Int(ceil(l0)), hi = Int(floor(l1))
            if lo <= hi, hi - lo < 400 {
                for e in lo...hi { let v = NumberFormat.pow10(e); out.append((value: v, text: NumberFormat.compact(v) + yLabelSuffix)) }
            }
        }
        return out
    }

    private func gutterWidth() -> Int {
        (yLabels().map { DisplayWidth.of($0.text) }.max() ?? 0) + 1
    }

    private func drawAxes(into buffer: inout CellBuffer, area: Rect, plot: Rect) {
        let axisX = plot.x - 1
        for y in plot.y..<plot.maxY { buffer.set(x: axisX, y: y, "│", style: axisStyle) }
        let axisY = plot.maxY
        buffer.set(x: axisX, y: axisY, "└", style: axisStyle)
        for x in plot.x..<plot.maxX { buffer.set(x: x, y: axisY, "─", style: axisStyle) }
        var used = Set<Int>()
        let labelWidth = axisX - area.x
        for l in yLabels() {
            guard let row = row(forY: l.value, plotHeight: plot.height), !used.contains(row) else { continue }
            used.insert(row)
            let w = DisplayWidth.of(l.text)
            buffer.write(l.text, at: Position(x: area.x + max(0, labelWidth - w), y: plot.y + row),
                         style: axisStyle, maxWidth: labelWidth)
        }
        guard showsXLabels else { return }
        let xr = resolvedXRange
        let lo = NumberFormat.compact(xr.lowerBound), hi = NumberFormat.compact(xr.upperBound)
        let labelRow = axisY + 1
        let loW = buffer.write(lo, at: Position(x: plot.x, y: labelRow), style: axisStyle, maxWidth: plot.width)
        let hiW = DisplayWidth.of(hi)
        if plot.width - loW - 1 >= hiW {
            buffer.write(hi, at: Position(x: plot.maxX - hiW, y: labelRow), style: axisStyle, maxWidth: hiW)
            let titleW = DisplayWidth.of(xTitle)
            let room = plot.width - loW - hiW - 2
            if titleW > 0, titleW <= room {
                let x = plot.x + loW + 1 + (room - titleW) / 2
                buffer.write(xTitle, at: Position(x: x, y: labelRow), style: axisStyle, maxWidth: titleW)
            }
        }
    }
}
