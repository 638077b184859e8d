import LinearAlgebra
import Planning

/// Incoherence processing of one weight W (m×n, `y = W·x`), as QuIP# and CALDERA do it:
/// `W' = U·W·Vᵀ` with randomized Hadamard transforms U (m×m) and V (n×n)
/// (``RandomizedHadamard``), so that no weight and no direction of the Hessian dominates before
/// W' is quantized; the inputs become `x' = V·x`, so the Hessian `H = E[x·xᵀ]` becomes
/// `V·H·Vᵀ` (``rotated(_:)-(Whitening)``). A reader undoes it exactly: `Ŵ = Uᵀ·Ŵ'·V`.
///
/// **Seed → signs.** One ``SplitMix64`` stream from the layer's seed gives U's m signs first,
/// then V's n. The seed of a layer is ``layerSeed(module:)``, written as `incoherence_seed` in
/// the layer's entry of the output's `config.json`, so the folder alone reconstructs W; it costs
/// no tensor bytes (the plan's byte counts are unchanged).
///
/// The runtime takes ``left`` and ``right`` from here (the one seed → signs rule) and turns the
/// activations instead of the weight: `y = Uᵀ·(Ŵ'·(V·x))`.
public struct Incoherence: Sendable {
    /// The seed the signs come from.
    public let seed: UInt64
    /// U, on the output side (size m).
    public let left: RandomizedHadamard
    /// V, on the input side (size n).
    public let right: RandomizedHadamard

    /// The transforms of an m×n weight from `seed`.
    public init(seed: UInt64, rows: Int, columns: Int) {
        self.seed = seed
        var generator = SplitMix64(seed: seed)
        left = RandomizedHadamard(signs: RandomizedHadamard.signs(count: rows, generator: &generator))
        right = RandomizedHadamard(signs: RandomizedHadamard.signs(count: columns, generator: &generator))
    }

    /// The seed of the layer at module path `module`: the 64-bit FNV-1a hash of its UTF-8 bytes,
    /// kept to 53 bits so that JSON readers hold it exactly.
    static func layerSeed(module: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in module.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash & ((1 << 53) - 1)
    }

    /// `U·W·Vᵀ`.
    func rotated(_ weight: Matrix) -> Matrix {
        Self.transformingColumns(Self.transformingRows(weight, by: right.apply), by: left.apply)
    }

    /// `Uᵀ·W'·V`, the inverse of ``rotated(_:)-(Matrix)``.
    func unrotated(_ weight: Matrix) -> Matrix {
        Self.transformingColumns(Self.transformingRows(weight, by: right.invert), by: left.invert)
    }

    /// The whitening of the rotated inputs `x' = V·x`: the Cholesky factor of `V·S·Sᵀ·Vᵀ`
    /// (dense even when `whitening` is diagonal, so LDLQ then has correlations to use).
    ///
    /// - Throws: ``LinearAlgebraError`` when the Cholesky factorization fails.
    func rotated(_ whitening: Whitening) throws -> Whitening {
        var factor: Matrix
        switch whitening {
        case .cholesky(let cholesky): factor = cholesky.factor
        case .diagonal(let scales, _):
            factor = Matrix(rows: scales.count, columns: scales.count)
            for (i, scale) in scales.enumerated() { factor[i, i] = scale }
        }
        let rotatedFactor = Self.transformingColumns(factor, by: right.apply)  // V·S
        return .cholesky(try RegularisedCholesky(rotatedFactor.gramOfRows()))  // V·S·Sᵀ·Vᵀ by dsyrk
    }

    /// `matrix` with `transform` applied to each row (as a vector).
    private static func transformingRows(_ matrix: Matrix, by transform: (inout [Double], Int) -> Void) -> Matrix {
        var elements = matrix.elements
        for row in 0..<matrix.rows { transform(&elements, row * matrix.columns) }
        return try! Matrix(rows: matrix.rows, columns: matrix.columns, elements: elements)  // count unchanged
    }

    /// `matrix` with `transform` applied to each column.
    private static func transformingColumns(_ matrix: Matrix, by transform: (inout [Double], Int) -> Void) -> Matrix {
        transformingRows(matrix.transposed(), by: transform).transposed()
    }
}
