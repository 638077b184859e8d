import Foundation
import Planning

/// The syntax of a typed rank (`=` in the explorer): `12` is exactly rank 12, `25%` a quarter
/// of the full rank (rounded up), `e99` or `99e` the smallest rank keeping 99% of the energy
/// (`e99.9` works too), `dense` keeps the matrix as stored.
public enum RankEntry: Equatable, Sendable {
    /// A rank rule.
    case rule(RankRule)
    /// Keep dense.
    case dense

    /// Reads `text`, or returns the sentence explaining what was expected.
    public static func parse(_ text: String) -> Result<RankEntry, QuantityError> {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let help = "type a rank (12), a fraction of full rank (25%), or an energy (e99)"
        if t == "dense" || t == "d" { return .success(.dense) }
        if let k = Int(t) {
            return k >= 0 ? .success(.rule(.exact(k))) : .failure(QuantityError("a rank cannot be negative"))
        }
        if t.hasSuffix("%"), let percent = Double(t.dropLast()) {
            guard percent >= 0, percent <= 100 else { return .failure(QuantityError("a fraction of full rank lies in 0%…100%")) }
            return .success(.rule(.fraction(fraction(percent: percent))))
        }
        let energyText = t.hasPrefix("e") ? t.dropFirst() : (t.hasSuffix("e") ? t.dropLast() : nil)
        if let energyText, let percent = Double(energyText.hasSuffix("%") ? energyText.dropLast() : energyText) {
            guard percent > 0, percent <= 100 else { return .failure(QuantityError("an energy lies in 0%…100%")) }
            return .success(.rule(.energy(fraction(percent: percent))))
        }
        return .failure(QuantityError("'\(text)' is not a rank: \(help)"))
    }

    /// percent / 100 rounded to 9 decimals, so `99.9` gives the same double as `0.999`.
    private static func fraction(percent: Double) -> Double { (percent * 1e7).rounded() / 1e9 }
}
