/// A rectangle of cells: the area a widget draws into.
///
/// Width and height are never negative; the origin may lie anywhere, and drawing outside a
/// buffer is clipped. So that layout arithmetic can never overflow, the initializer clamps
/// coordinates to ±`Rect.limit` and sizes to 0…`Rect.limit` (2⁴⁰, far beyond any terminal);
/// the fields are read-only so that clamp always holds.
public struct Rect: Hashable, Sendable {
    /// Left column.
    public private(set) var x: Int
    /// Top row.
    public private(set) var y: Int
    /// Columns (≥ 0).
    public private(set) var width: Int
    /// Rows (≥ 0).
    public private(set) var height: Int

    /// The largest magnitude of a coordinate or size (2⁴⁰).
    public static let limit = 1 << 40

    /// Creates a rectangle; negative sizes become 0, and values beyond `Rect.limit` are clamped.
    public init(x: Int, y: Int, width: Int, height: Int) {
        let l = Rect.limit
        self.x = min(max(-l, x), l)
        self.y = min(max(-l, y), l)
        self.width = min(max(0, width), l)
        self.height = min(max(0, height), l)
    }

    /// A rectangle at the origin.
    public init(width: Int, height: Int) { self.init(x: 0, y: 0, width: width, height: height) }

    /// The empty rectangle at the origin.
    public static let zero = Rect(x: 0, y: 0, width: 0, height: 0)

    /// True when the rectangle holds no cells.
    public var isEmpty: Bool { width <= 0 || height <= 0 }
    /// One past the rightmost column.
    public var maxX: Int { x + width }
    /// One past the bottom row.
    public var maxY: Int { y + height }

    /// True when the cell at (`px`, `py`) lies inside.
    public func contains(x px: Int, y py: Int) -> Bool {
        px >= x && py >= y && px < maxX && py < maxY
    }

    /// The overlap of two rectangles (empty, positioned at the clamped origin, when disjoint).
    public func intersection(_ other: Rect) -> Rect {
        let x0 = max(x, other.x), y0 = max(y, other.y)
        let x1 = min(maxX, other.maxX), y1 = min(maxY, other.maxY)
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// Shrinks each side by `amount` cells (never below zero size).
    public func inset(by amount: Int) -> Rect {
        inset(top: amount, left: amount, bottom: amount, right: amount)
    }

    /// Shrinks each side separately (negative amounts count as 0; never below zero size).
    public func inset(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) -> Rect {
        let clamp = { (v: Int) in min(max(0, v), Rect.limit) }
        let t = clamp(top), l = clamp(left), b = clamp(bottom), r = clamp(right)
        let w = max(0, width - l - r), h = max(0, height - t - b)
        return Rect(x: x + min(l, width), y: y + min(t, height), width: w, height: h)
    }

    /// Splits into horizontal bands stacked top to bottom; one result per size, in order.
    public func rows(_ sizes: [SplitSize]) -> [Rect] {
        var top = y
        return Rect.allocate(sizes, total: height).map { h in
            defer { top += h }
            return Rect(x: x, y: top, width: width, height: h)
        }
    }

    /// Splits into vertical strips left to right, with `spacing` blank columns between
    /// neighbours; one result per size, in order.
    public func columns(_ sizes: [SplitSize], spacing: Int = 0) -> [Rect] {
        let gap = min(max(0, spacing), width + 1)
        let between = max(0, sizes.count - 1)
        let gaps = between == 0 ? 0 : (gap > width / between ? width : gap * between)
        var left = x
        var result: [Rect] = []
        for (i, w) in Rect.allocate(sizes, total: width - gaps).enumerated() {
            result.append(Rect(x: left, y: y, width: w, height: height))
            left = min(left + w + (i < sizes.count - 1 ? gap : 0), Rect.limit)
        }
        return result
    }

    static func allocate(_ sizes: [SplitSize], total: Int) -> [Int] {
        let total = max(0, total)
        var left = total
        var out = [Int](repeating: 0, count: sizes.count)
        var remainders: [Int] = []
        for (i, s) in sizes.enumerated() {
            switch s {
            case .fixed(let n):
                out[i] = min(max(0, n), left)
            case .fraction(let f):
                let clamped = f.isNaN ? 0 : min(1, max(0, f))
                out[i] = min(Int((clamped * Double(total)).rounded(.down)), left)
            case .remainder:
                remainders.append(i)
            }
            left -= out[i]
        }
        if !remainders.isEmpty {
            let share = left / remainders.count
            var extra = left % remainders.count
            for i in remainders {
                out[i] = share + (extra > 0 ? 1 : 0)
                if extra > 0 { extra -= 1 }
            }
        }
        return out
    }
}
