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
/// Assume the g elements of a group are independent Gaussians with root-mean-square r, and write
/// L = 2^b − 1 for the number of steps. The quantizer (Compression's `QuantizedMatrix`) leaves a
/// slack of u/2 steps at each end of the grid so that rounding its F16 zero point never clamps a
/// code: u = 2·2^(⌊log₂(1.5·L)⌋ − 10), twice F16's spacing near the zero point's typical value
/// 1.5·L (u = 1/2 at 8 bits, 1/32 at 4, 1/128 at 2). The step is therefore Δ = (max − min)/(L − u),
/// and the grid sits u/2 steps beyond both ends. Rounding adds noise of variance Δ²/12 to each
/// element except the minimum and the maximum, which are off the grid by only u/2 steps, i.e.
/// (u/2)²·Δ² = 3u²·Δ²/12 each. Averaged over groups, the noise energy is the fraction
///
///     c(b, g) = (g − 2 + 6u²)/g · ρ₂(g)² / (12·(L − u)²)
///
/// of the group's energy, where ρ₂(g)² = E[(max − min)²] for g standard normals. This takes the
/// *mean square* range, not the squared mean range (E[R²] = E[R]² + Var R, 1–5 % more for
/// g = 16…128), and ρ₂ has a Blom-type closed form fitted to the exact integral
///
///     ρ₂(g) = 2·Φ⁻¹((g − 0.4225)/(g + 0.155))
///
/// (within 0.4 % of the exact E[R²] for 16 ≤ g ≤ 4096, 1.6 % at g = 8; see ``rmsRange(groupLength:)``).
/// c = 0 at 16 bits and for groups of at most two elements (both stored nearly exactly).
/// Against simulated round-to-nearest of Gaussian groups the model holds to about ±1 % for 3…8
/// bits; at 2 bits the uniform-noise assumption (Δ ≈ 1.7 r) reads 0.7 % low. The real quantizer's
/// F16 rounding adds up to 1.7 % (in relative error) at 8 bits in groups of 32.
///
/// A tensor whose rows of length ℓ are cut into ⌊ℓ/g⌋ full groups and one partial group of
/// ℓ mod g elements has the length-weighted mean ``noiseFraction(bits:length:groupSize:)``.
/// Noises of different tensors are independent and add in quadrature.
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

    /// ρ₂(g) = 2·Φ⁻¹((g − 0.4225)/(g + 0.155)): the root-mean-square range √E[(max − min)²] of
    /// g standard normal samples (0 for g ≤ 1). The constant 0.4225 is fitted to the exact E[R²]
    /// (a double integral over the range's density): within 0.4 % for 16 ≤ g ≤ 4096, 1.6 % at 8.
    public static func rmsRange(groupLength g: Int) -> Double {
        guard g > 1 else { return 0 }
        let p = (Double(g) - 0.4225) / (Double(g) + 0.155)
        return 2 * inverseNormalCDF(p)
    }

    /// c(b, g) = (g − 2 + 6u²)/g · ρ₂(g)² / (12·(2^b − 1 − u)²) with u = ``zeroPointSlack(bits:)``: the
    /// quantization noise energy of one group of g elements as a fraction of its energy (0 at 16
    /// bits and for g ≤ 2).
    public static func noiseFraction(bits: Int, groupLength g: Int) -> Double {
        guard bits < 16, g > 2 else { return 0 }
        let slack = zeroPointSlack(bits: bits)
        let steps = Double((1 << bits) - 1) - slack
        let range = rmsRange(groupLength: g)
        return (Double(g - 2) + 6 * slack * slack) / Double(g) * range * range / (12 * steps * steps)
    }

    /// u(b) = 2·2^(⌊log₂(1.5·(2^b − 1))⌋ − 10): the steps of slack the quantizer leaves around its
    /// grid for a group centred on zero (twice F16's spacing at the zero point, about 1.5·(2^b − 1)).
    public static func zeroPointSlack(bits: Int) -> Double {
        let typicalZero = 1.5 * Double((1 << bits) - 1)
        return 2 * Double(sign: .plus, exponent: typicalZero.exponent - 10, significand: 1)
    }

    /// The noise fraction of rows of `length` elements grouped by `groupSize`: the length-weighted
    /// mean (⌊ℓ/g⌋·g·c(b, g) + (ℓ mod g)·c(b, ℓ mod g))/ℓ over the full groups and the partial one.
    public static func noiseFraction(bits: Int, length: Int, groupSize: Int) -> Double {
        guard length > 0, groupSize > 0 else { return 0 }
        let group = min(groupSize, length)
        let full = length / group
        let rest = length - full * group
        let sum = Double(full * group) * noiseFraction(bits: bits, groupLength: group)
            + Double(rest) * noiseFraction(bits: bits, groupLength: rest)
        return sum / Double(length)
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
