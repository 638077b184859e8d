/// Short number labels for axes and bars (no Foundation): integers as-is up to six digits,
/// otherwise three significant digits, switching to `1.5e7` style for very large or small values.
enum NumberFormat {
    static func compact(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e6 || a < 1e-3 {
            var e = Int(a.log10Floor)
            var m = a  // scale step by step: dividing by pow10(e) fails for subnormals
            while m >= 10 { m /= 10 }
            while m < 1 { m *= 10 }
            if v < 0 { m = -m }
            m = (m * 10).rounded() / 10
            if abs(m) >= 10 { m /= 10; e += 1 }
            let ms = m == m.rounded() ? String(Int(m)) : String(m)
            return "\(ms)e\(e)"
        }
        if v == v.rounded() { return String(Int(v)) }
        let digits = max(0, 2 - Int(a.log10Floor))
        let scale = pow10(digits)
        let r = (v * scale).rounded() / scale
        if r == r.rounded() { return String(Int(r)) }
        var s = String(r)
        if s.contains("e") { s = String(v) }
        return s
    }

    static func pow10(_ e: Int) -> Double {
        var r = 1.0
        if e >= 0 { for _ in 0..<e { r *= 10 } } else { for _ in 0..<(-e) { r /= 10 } }
        return r
    }
}
