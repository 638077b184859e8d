import Foundation

/// The orthogonal transform `T = (H_{2^a} ⊗ C_r)·diag(s) / √n` of one size `n = 2^a·r` (r odd)
/// that incoherence processing (QuIP#, CALDERA) applies on each side of a weight.
///
/// - `H_{2^a}` is Sylvester's ±1 Hadamard matrix, applied by the fast Walsh–Hadamard butterfly;
/// - `C_r` is the Hartley matrix `C[j, k] = cas(2πjk/r) = cos(2πjk/r) + sin(2πjk/r)`, an
///   orthogonal (`C·Cᵀ = r·I`), symmetric transform of any size whose entries are bounded by √2,
///   so it spreads a vector like a Hadamard matrix does. QuIP# instead stores ±1 Hadamard
///   matrices for a list of sizes (12, 20, 28, …); the Hartley factor works for every odd r
///   (1 for a power of two) with nothing stored, at r multiply–adds per entry (r = 9 for
///   SmolLM2's 576, 3 for its 1536);
/// - `s` is a ±1 sign vector (``signs(count:generator:)``).
///
/// Element `i = p·r + q` of a vector sits at row p of the Hadamard factor and q of the Hartley one.
/// Both factors are symmetric and square to `n·I`, so `T⁻¹ = Tᵀ = diag(s)·(H ⊗ C)/√n`.
struct RandomizedHadamard: Sendable {
    /// n.
    let size: Int
    /// 2^a, the power-of-two part of n.
    let powerOfTwo: Int
    /// r, the odd part of n.
    let oddPart: Int
    /// The ±1 signs s.
    let signs: [Double]
    /// `C_r` row-major (empty for r = 1).
    private let hartley: [Double]

    /// The transform of size `signs.count` (at least 1) with these signs.
    init(signs: [Double]) {
        precondition(!signs.isEmpty, "a transform needs at least one element")
        size = signs.count
        var power = 1
        while size % (2 * power) == 0 { power *= 2 }
        powerOfTwo = power
        oddPart = size / power
        self.signs = signs
        let r = oddPart
        hartley = r == 1 ? [] : (0..<(r * r)).map { index in
            let angle = 2 * Double.pi * Double((index / r) * (index % r) % r) / Double(r)
            return cos(angle) + sin(angle)
        }
    }

    /// `T·x` for the vector stored at `x[offset ..< offset + n]`, in place.
    func apply(_ x: inout [Double], offset: Int = 0) {
        for i in 0..<size { x[offset + i] *= signs[i] }
        mix(&x, offset: offset)
    }

    /// `T⁻¹·y = Tᵀ·y` for the vector stored at `y[offset ..< offset + n]`, in place.
    func invert(_ y: inout [Double], offset: Int = 0) {
        mix(&y, offset: offset)
        for i in 0..<size { y[offset + i] *= signs[i] }
    }

    /// `(H ⊗ C)·v / √n` in place: butterflies across the 2^a blocks, then the Hartley matrix on each.
    private func mix(_ v: inout [Double], offset: Int) {
        let r = oddPart
        var half = 1
        while half < powerOfTwo {
            var block = 0
            while block < powerOfTwo {
                for p in block..<(block + half) {
                    for q in 0..<r {
                        let i = offset + p * r + q, j = offset + (p + half) * r + q
                        let a = v[i], b = v[j]
                        v[i] = a + b
                        v[j] = a - b
                    }
                }
                block += 2 * half
            }
            half *= 2
        }
        if r > 1 {
            var chunk = [Double](repeating: 0, count: r)
            for p in 0..<powerOfTwo {
                let base = offset + p * r
                for q in 0..<r { chunk[q] = v[base + q] }
                for j in 0..<r {
                    var sum = 0.0
                    for k in 0..<r { sum += hartley[j * r + k] * chunk[k] }
                    v[base + j] = sum
                }
            }
        }
        let scale = 1 / Double(size).squareRoot()
        for i in 0..<size { v[offset + i] *= scale }
    }

    /// `count` ±1 signs from `generator`: −1 where the draw's top bit is set.
    static func signs(count: Int, generator: inout SplitMix64) -> [Double] {
        (0..<count).map { _ in generator.next() >> 63 == 1 ? -1.0 : 1.0 }
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014), the generator of the incoherence signs: a few lines
/// in any language, so a reader regenerates the signs from the seed in `config.json`.
///
/// `state += 0x9E3779B97F4A7C15; z = state; z = (z ^ z>>30)·0xBF58476D1CE4E5B9;
/// z = (z ^ z>>27)·0x94D049BB133111EB; return z ^ z>>31` (all modulo 2^64).
struct SplitMix64: Sendable {
    private var state: UInt64

    /// A generator starting from `seed`.
    init(seed: UInt64) {
        state = seed
    }

    /// The next 64-bit draw.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
