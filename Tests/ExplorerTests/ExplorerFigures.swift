import Foundation

/// Figures of the fixture derived by hand, independently of the planning code: σᵢ = 2^(−i/2)
/// (i = 0…11), so σᵢ² = 2^(−i), E = Σσᵢ² = 2(1 − 2^(−12)), tail(k) = Σ_{i≥k} 2^(−i).
enum ExplorerFigures {
    /// Σ_{i≥k} 2^(−i) over the 12 singular values.
    static func tail(_ k: Int) -> Double { (k..<12).reduce(0) { $0 + pow(2.0, -Double($1)) } }
    /// ‖W‖_F².
    static let energy = tail(0)
    /// Relative error of a 16-bit rank-k truncation: √(tail(k)/E).
    static func error(rank k: Int) -> Double { (tail(k) / energy).squareRoot() }
    /// The smallest k keeping `fraction` of the energy.
    static func energyRank(_ fraction: Double) -> Int {
        (1...12).first { energy - tail($0) >= fraction * energy }!
    }
    /// Parameters before: embedding 8×12, norm 12, and per block 40×12 + 12×12.
    static func parametersBefore(blocks: Int = 2) -> Int { 96 + 12 + blocks * (480 + 144) }
    /// Row shapes of the 2-block fixture, in row order.
    static let shapes = [(40, 12), (12, 12), (40, 12), (12, 12)]
    /// Parameters after of the 2-block model when row i has rank ranks[i] (nil: dense): Σ(m+n)k.
    static func parametersAfter(_ ranks: [Int?]) -> Int {
        var total = 108
        for ((m, n), rank) in zip(shapes, ranks) { total += rank.map { $0 * (m + n) } ?? m * n }
        return total
    }
    /// Model relative error with 16-bit factors: √(Σ tail(kᵢ) / (matrices·E)) over the matrices counted (the four
    /// have equal spectra; an excluded one counts in no error total).
    static func relativeError(_ ranks: [Int?], matrices: Int = 4) -> Double {
        (ranks.reduce(0) { $0 + ($1.map(tail) ?? 0) } / (Double(matrices) * energy)).squareRoot()
    }
    /// `8.70%`.
    static func percent(_ fraction: Double) -> String { String(format: "%.2f%%", fraction * 100) }
    /// A size of 1 KiB up to 1000 KiB as the explorer shows it: `%.3g` of bytes / 1024, then `KiB`
    /// (2496 → 2.4375 → `2.44KiB`; 1920 → 1.875 → `1.88KiB`, printf's ties to even).
    static func kib(_ bytes: Int) -> String { String(format: "%.3gKiB", Double(bytes) / 1024) }
    /// `text` right-aligned in `width` cells.
    static func right(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
    /// `text` left-aligned in `width` cells.
    static func left(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
    /// A table line of the 80-column layout (mark 2, layer 18, rank 5, size 7, error 6), borders included.
    static func line80(_ mark: String, _ layer: String, _ rank: String, _ size: String, _ error: String) -> String {
        "│" + left(mark, 2) + " " + left(layer, 18) + " " + right(rank, 5) + " " + right(size, 7) + " " + right(error, 6) + "│"
    }
    /// A table line of the 160-column layout (every column; the layer column 27 wide), borders included.
    static func line160(_ mark: String, _ layer: String, _ shape: String, _ dtype: String, _ r99: String, _ params: String,
                        _ rank: String, _ bits: String, _ size: String, _ error: String) -> String {
        "│" + left(mark, 2) + " " + left(layer, 27) + " " + right(shape, 11) + " " + right(dtype, 5) + " " + right(r99, 4)
            + " " + right(params, 6) + " " + right(rank, 5) + " " + right(bits, 4) + " " + right(size, 7) + " " + right(error, 6) + "│"
    }
}
