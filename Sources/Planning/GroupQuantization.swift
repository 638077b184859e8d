import Foundation

/// Sizes and the error model of group-wise quantization.
///
/// **Layout.** Asymmetric round-to-nearest: a tensor is cut into groups of `groupSize`
/// consecutive elements; each group stores its elements at `bits` bits, tightly packed, plus one
/// 16-bit scale and one 16-bit zero point (32 bits per group). A partial last group still pays a
/// full scale and zero point. At 16 bits (BF16/F16) there are no groups and no overhead.
/// Each stored tensor is rounded up to whole bytes on its own.
///
/// Which way groups run:
/// - a dense matrix W (m×n, rows = outputs, columns = inputs) and a CALDERA backbone Q: along the
///   input dimension, so each row has ⌈n/g⌉ groups: m·⌈n/g⌉ groups.
/// - the factors A (m×k) and B (k×n): along the dimension that is *not* the rank, so every rank-one
///   component a_i b_iᵀ has its own scales: A has k·⌈m/g⌉ groups (down each column), B has
///   k·⌈n/g⌉ groups (along each row). Components differ in magnitude by σ₁/σ_k, so sharing scales
///   across them would waste levels; and this makes the cost of one more rank a constant, which
///   is what makes the budget allocator's water-filling exact.
///
/// **Error model** (an estimate; the compression step measures the real error and reports both).
/// Assume the elements of a group are Gaussian with root-mean-square r. The group's range
/// (max − min) is then about ρ(g)·r, with ρ(g) = 2·Φ⁻¹((g − 0.375)/(g + 0.25)) (Blom's
/// approximation of the expected maximum of g normals, within ~1% for all g). Rounding to
/// 2^b − 1 steps of Δ = range/(2^b − 1) adds uniform noise of variance Δ²/12 to each element,
/// so the noise energy is the fraction
///
///     c(b, g) = ρ(g)² / (12·(2^b − 1)²)
///
/// of the tensor's energy (c = 0 at 16 bits and for groups of one element). Noises of different
/// tensors are independent and add in quadrature.
public enum GroupQuantization {
    /// Bits taken by an `elements`-long tensor cut into `groups` groups at `bits` bits:
    /// `elements·bits + 32·groups` below 16 bits, `elements·16` at 16.
    public static func storageBits(elements: Int, groups: Int, bits: Int) -> Int {
        bits >= 16 ? elements * bits : elements * bits + 32 * groups
    }

    /// ⌈bits / 8⌉.
    public static func bytes(ofBits bits: Int) -> Int { (bits + 7) / 8 }

    /// Bytes of an m×n matrix at `bits`, grouped along its columns (m·⌈n/g⌉ groups).
    public static func denseBytes(rows: Int, columns: Int, bits: Int, groupSize: Int) -> Int {
        let groups = bits >= 16 ? 0 : rows * ceilDiv(columns, groupSize)
        return bytes(ofBits: storageBits(elements: rows * columns, groups: groups, bits: bits))
    }

    /// Bytes of the two factors A (m×k) and B (k×n) at `bits`, each rounded to whole bytes.
    public static func factorBytes(rows: Int, columns: Int, rank: Int, bits: Int, groupSize: Int) -> Int {
        let groupsA = bits >= 16 ? 0 : rank * ceilDiv(rows, groupSize)
        let groupsB = bits >= 16 ? 0 : rank * ceilDiv(columns, groupSize)
        return bytes(ofBits: storageBits(elements: rows * rank, groups: groupsA, bits: bits))
            + bytes(ofBits: storageBits(elements: rank * columns, groups: groupsB, bits: bits))
    }

    /// Bits one more rank adds to the factors before byte rounding: (m + n)·b + 32·(⌈m/g⌉ + ⌈n/g⌉) below 16 bits.
    public static func bitsPerRank(rows: Int, columns: Int, bits: Int, groupSize: Int) -> Int {
        bits >= 16 ? (rows + columns) * bits
            : (rows + columns) * bits + 32 * (ceilDiv(rows, groupSize) + ceilDiv(columns, groupSize))
    }

    /// ρ(g) = 2·Φ⁻¹((g − 0.375)/(g + 0.25)): the expected range of g standard normal samples (0 for g ≤ 1).
    public static func expectedRange(groupLength g: Int) -> Double {
        guard g > 1 else { return 0 }
        let p = (Double(g) - 0.375) / (Double(g) + 0.25)
        return 2 * inverseNormalCDF(p)
    }

    /// c(b, g) = ρ(g)² / (12·(2^b − 1)²): quantization noise energy as a fraction of the tensor's energy.
    public static func noiseFraction(bits: Int, groupLength: Int) -> Double {
        guard bits < 16 else { return 0 }
        let levels = Double((1 << bits) - 1)
        let range = expectedRange(groupLength: groupLength)
        return range * range / (12 * levels * levels)
    }

    /// Φ⁻¹(p) for 0 < p < 1, by bisection on Φ(x) = ½·erfc(−x/√2) (accurate to ~1e-12).
    public static func inverseNormalCDF(_ p: Double) -> Double {
        var low = -40.0
        var high = 40.0
        for _ in 0..<80 {
            let middle = (low + high) / 2
            if 0.5 * erfc(-middle / 2.0.squareRoot()) < p { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }

    /// ⌈a / b⌉ for a ≥ 0, b ≥ 1.
    static func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
}
