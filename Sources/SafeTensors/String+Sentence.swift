extension String {
    /// The string without one trailing period, so nested sentences do not end in "..".
    var trimmingFinalPeriod: String {
        hasSuffix(".") ? String(dropLast()) : self
    }

    /// True when `self` sorts before `other` by UTF-8 bytes, the order Rust's `String` uses
    /// (Swift's `<` compares by Unicode canonical equivalence, which can differ for non-ASCII).
    func utf8Precedes(_ other: String) -> Bool {
        self.utf8.lexicographicallyPrecedes(other.utf8)
    }
}
