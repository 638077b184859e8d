import Foundation

/// The designed singular values of one demo matrix: a power-law head over a tapering bulk,
/// the shape trained transformer weights show (a heavy-tailed head above a Marchenko–Pastur-like
/// bulk), with decay that varies by role and depth.
public struct DemoSpectrumShape: Sendable, Equatable {
    /// Height of the power-law head relative to the bulk.
    public let headScale: Double
    /// Power-law exponent of the head: larger decays faster (lower effective rank).
    public let exponent: Double
    /// Height of the bulk.
    public let bulkScale: Double

    /// σᵢ for i = 0..<count: headScale·(1 + i/4)^(−exponent) + bulkScale·√(1 − i/count).
    public func singularValues(count: Int) -> [Double] {
        (0..<count).map { index in
            let i = Double(index)
            return headScale * pow(1 + i / 4, -exponent) + bulkScale * (1 - i / Double(count)).squareRoot()
        }
    }

    /// The shape for a role at a depth: attention query/key projections decay fastest (they
    /// are the most compressible), value/output next, MLP matrices slowest; middle blocks are
    /// lower-rank than the first and last ones.
    public static func forRole(_ role: String, block: Int, blockCount: Int) -> DemoSpectrumShape {
        let depth = blockCount > 1 ? Double(block) / Double(blockCount - 1) : 0.5
        let middle = 1 - abs(2 * depth - 1)
        let base: Double
        switch role {
        case "attn.q_proj", "attn.k_proj": base = 1.1
        case "attn.v_proj", "attn.o_proj": base = 0.65
        case "mlp.down_proj": base = 0.45
        default: base = 0.35
        }
        return DemoSpectrumShape(headScale: 1.0, exponent: base + 0.4 * middle, bulkScale: 0.04 + 0.04 * (1 - middle))
    }
}
