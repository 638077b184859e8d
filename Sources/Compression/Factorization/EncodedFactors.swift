import LinearAlgebra
import SafeTensors

/// The two factors of `W ≈ A·B` as written: `P.0` = B (k×n, grouped along rows) and `P.1` = A
/// (m×k, grouped down columns), and their product as a reader reconstructs it.
struct EncodedFactors {
    /// B, written under `P.0`.
    let first: EncodedMatrix
    /// A, written under `P.1`.
    let second: EncodedMatrix
    /// Â·B̂ from the read-back factors, in double.
    let product: Matrix

    /// The rank-`rank` truncation of `matrix` (``TruncatedSVD``, √Σ on each side), encoded at `bits`.
    init(truncating matrix: Matrix, rank: Int, module: String, bits: Int, groupSize: Int, factorType: DType) throws {
        let (a, b) = try TruncatedSVD(of: matrix, rank: rank).balancedFactors
        try self.init(a: a, b: b, module: module, bits: bits, groupSize: groupSize, factorType: factorType)
    }

    /// Given factors `A` (m×k) and `B` (k×n), encoded at `bits`.
    init(a: Matrix, b: Matrix, module: String, bits: Int, groupSize: Int, factorType: DType) throws {
        first = try EncodedMatrix(b, prefix: FactorNaming.firstFactorPrefix(module: module), bits: bits, groupSize: groupSize, groupDownColumns: false, factorType: factorType)
        second = try EncodedMatrix(a, prefix: FactorNaming.secondFactorPrefix(module: module), bits: bits, groupSize: groupSize, groupDownColumns: true, factorType: factorType)
        product = try second.readBack.multiplied(by: first.readBack)
    }
}
