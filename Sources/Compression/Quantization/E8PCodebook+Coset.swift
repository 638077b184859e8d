/// The fast path of ``E8PCodebook/nearest(_:)``: the nearest point of the whole coset, checked
/// to be a codeword and to win by a clear margin.
///
/// Every codeword of one shift `±¼` is a point of the coset `C = {p ∈ (ℤ + ½)⁸ : Σpᵢ even}` (the
/// `D8 + ½` of ``E8PCodebook``) plus the shift. The point of C nearest to `y = x ∓ ¼` costs O(8)
/// (Conway & Sloane's decoder for D8, shifted): round every entry to its nearest half-integer
/// `rᵢ`; when `Σrᵢ` is odd, move the entry with the largest rounding error `|yᵢ − rᵢ|` one step
/// towards `yᵢ`. When the nearer of the two shifts' coset points has its absolute vector in
/// ``E8PCodebook/absoluteGrid`` (about 72% of Gaussian inputs, 82% of heavier-tailed ones), it is
/// the nearest codeword: no codeword is nearer than the nearest point of a set containing them all.
///
/// **Same code as the enumeration.** ``E8PCodebook/nearestByEnumeration(_:)`` keeps the first
/// codeword of smallest computed distance, so a near tie could be resolved differently (or the
/// enumeration's rounding could order two almost equally near codewords the other way). The fast
/// path answers only when its point beats every other point of C, of either shift, by more than
/// `1e-9·(1 + ‖x‖²)`, far above the rounding of either computation, and leaves every other input
/// (near ties, points outside the codebook, non-finite inputs) to the enumeration. The second
/// nearest point of C differs from the nearest p by a move `v ∈ ℤ⁸` with even `Σvᵢ`; with
/// `tᵢ = yᵢ − pᵢ` its extra cost is `Σ(vᵢ² − 2vᵢtᵢ)`, at least the smaller of two single-step
/// moves (`(1 − 2|tᵢ|) + (1 − 2|tⱼ|)`, i ≠ j) and one double step (`4 − 4|tᵢ|`): only the moved
/// entry can have `|tᵢ| > ½`, so every other term is non-negative. The margin is that minimum.
extension E8PCodebook {
    /// The code of the nearest codeword and its squared distance when the coset decoder settles
    /// it with a clear margin (see above); nil when the enumeration must decide.
    static func nearestInCoset(_ x: UnsafePointer<Double>) -> (code: UInt16, distance: Double)? {
        var norm = 0.0
        for i in 0..<dimension { norm += x[i] * x[i] }
        guard norm < 1e20 else { return nil }  // NaN, infinities, and entries whose half-integers are not exact
        let tolerance = 1e-9 * (1 + norm)
        let plus = cosetPoint(x, shift: 0.25), minus = cosetPoint(x, shift: -0.25)
        let (best, other, shiftBit): (CosetPoint, CosetPoint, UInt16) = plus.distance <= minus.distance ? (plus, minus, 0) : (minus, plus, 1)
        guard best.margin > tolerance, other.distance - best.distance > tolerance else { return nil }
        let index = absoluteIndex[Int(best.key)]
        guard index >= 0 else { return nil }
        return (UInt16(shiftBit << 15) | best.signs | UInt16(index), best.distance)
    }

    /// The point of C nearest to `x − shift`: its squared distance, the margin by which it beats
    /// every other point of C, its absolute vector as a key of ``absoluteIndex`` and the sign bits
    /// of entries 0–6 (bit 8 + i set where entry i is negative).
    private struct CosetPoint {
        var distance: Double
        var margin: Double
        var key: UInt32
        var signs: UInt16
    }

    private static func cosetPoint(_ x: UnsafePointer<Double>, shift: Double) -> CosetPoint {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * dimension) { buffer in
            // Half-integers r = ⌊y⌋ + ½ kept as 2r (odd, exact in double), the errors t = y − r.
            let twice = buffer.baseAddress!, t = twice + dimension
            var sum = 0.0, worst = 0, worstError = -1.0
            for i in 0..<dimension {
                let y = x[i] - shift
                let floor = y.rounded(.down)
                twice[i] = 2 * floor + 1
                t[i] = y - (floor + 0.5)
                sum += twice[i]
                if abs(t[i]) > worstError { worstError = abs(t[i]); worst = i }
            }
            // Σr = sum/2 is even exactly when sum ≡ 0 (mod 4); else move the worst-rounded entry.
            if Int(sum) & 3 != 0 {
                let step = t[worst] >= 0 ? 1.0 : -1.0
                twice[worst] += 2 * step
                t[worst] -= step
            }
            var distance = 0.0, smallest = Double.infinity, second = Double.infinity, double = Double.infinity
            var key: UInt32 = 0, signs: UInt16 = 0
            for i in 0..<dimension {
                let error = abs(t[i])
                distance += t[i] * t[i]
                let single = 1 - 2 * error
                if single < smallest { second = smallest; smallest = single } else if single < second { second = single }
                double = min(double, 4 - 4 * error)
                let magnitude = abs(twice[i])
                key = key << 2 | (magnitude <= 5 ? UInt32(magnitude) / 2 : 3)  // beyond 5/2: in no codeword
                if twice[i] < 0, i < 7 { signs |= 1 << (8 + UInt16(i)) }
            }
            return CosetPoint(distance: distance, margin: min(smallest + second, double), key: key, signs: signs)
        }
    }

    /// For every key of 8 entries in {½, 3/2, 5/2, beyond} (2 bits each, entry 0 highest: 0, 1, 2,
    /// 3), the index of that absolute vector in ``absoluteGrid``, or −1.
    static let absoluteIndex: [Int16] = {
        var table = [Int16](repeating: -1, count: 1 << 16)
        for index in 0..<256 {
            var key = 0
            for i in 0..<dimension { key = key << 2 | Int(absoluteGrid[index * dimension + i] - 0.5) }
            table[key] = Int16(index)
        }
        return table
    }()
}
