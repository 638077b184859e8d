extension Double {
    /// floor(log10(self)) for positive finite values, computed without Foundation.
    var log10Floor: Double {
        var e = 0.0
        var a = self
        guard a > 0, a.isFinite else { return 0 }
        while a >= 10 { a /= 10; e += 1 }
        while a < 1 { a *= 10; e -= 1 }
        return e
    }
}
