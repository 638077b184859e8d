import LinearAlgebra
import SafeTensors

extension HessianQuantizer {
    /// Block LDLQ with the ``E8PCodebook`` (QuIP#'s LDLQ for a vector codebook): the codes of
    /// `matrix` (m×n, n a multiple of 8, in the basis the Hessian is given in, e.g. after
    /// ``Incoherence``) that keep the output error `‖(W − Ŵ)·S_d‖` small, as ``E8PMatrix`` stores them.
    ///
    /// **Why blocks.** E8P rounds 8 consecutive columns of a row together, so the error feedback
    /// works on blocks of 8 columns. With the dampened Hessian `H_d = V·Vᵀ` (V = U⁻¹, upper, U from
    /// ``inverseFactor``) and `B` the block diagonal of V, `H_d = L·D·Lᵀ` with `L = V·B⁻¹` block
    /// upper-unit-triangular and `D = B·Bᵀ` block diagonal (the block LDL factorization, in the
    /// column order GPTQ uses). For `E = W − Ŵ`, `tr(E·H_d·Eᵀ) = Σ_b tr(R_b·D_b·R_bᵀ)` with
    /// `R = E·L`: block b's part depends only on the blocks before it. So each block of 8 columns is
    /// rounded (nearest codeword of each row's 8-vector, at the row's scale) after the errors of
    /// the earlier blocks have been fed into it, which leaves `R_b` = that rounding's own error.
    ///
    /// **Feedback** (the scalar algorithm's with 8×8 pivots): after rounding block b with residual
    /// `R_b` (m×8, target minus codeword), `Z_b = R_b·U_bb⁻¹` (forward substitution with the 8×8
    /// upper block of U) and every later column k gets `−Z_b·U[b, k]`. In blocks of
    /// ``blockWidth`` columns the later blocks inside are updated at once and the columns after
    /// with one matrix product (``feedForward(_:from:into:rows:upper:)``). With block size 1 this
    /// is exactly ``quantize(_:bits:groupSize:)``'s GPTQ update.
    ///
    /// Row scales are ``E8PMatrix/rowScales(of:scaleFactor:)`` of `matrix` itself, fixed before
    /// any feedback. Without a Hessian (``roundToNearest``, diagonal statistics) this is
    /// ``E8PMatrix/init(quantizing:scaleFactor:)``. A diagonal `H` gives diagonal U and no
    /// feedback either, so the result is round-to-nearest's up to the dampening.
    ///
    /// - Throws: ``LinearAlgebraError`` when a block product fails.
    func quantizeE8P(_ matrix: Matrix) throws -> E8PMatrix {
        try quantizeE8P(matrix, bits: 2).lattice
    }

    /// Block LDLQ with the E8P backbone of `bits` (``E8PBackbone``: E8P, plus a sign or E8P
    /// residual stage at 3 or 4 bits), as ``quantizeE8P(_:)`` does it for E8P alone: each block of 8
    /// columns is rounded by the whole residual quantizer (each row's fed-back 8-vector to its
    /// nearest stage-1 codeword, then stage 1's residual to its nearest stage-2 codeword), and the
    /// error left after both stages is fed forward. Every stage's row scales are fixed before any
    /// feedback, from greedy rounding of `matrix` itself (``E8PBackbone/init(quantizing:bits:)``), so
    /// without a Hessian, or with a diagonal one, the result is that greedy backbone's.
    ///
    /// - Throws: ``LinearAlgebraError`` when a block product fails.
    func quantizeE8P(_ matrix: Matrix, bits: Int) throws -> E8PBackbone {
        let greedy = E8PBackbone(quantizing: matrix, bits: bits)
        guard let upper = inverseFactor else { return greedy }
        let d = E8PCodebook.dimension
        precondition(upper.rows == matrix.columns, "a \(matrix.rows)×\(matrix.columns) matrix needs a \(matrix.columns)-wide Hessian, not \(upper.rows)")
        let m = matrix.rows, n = matrix.columns
        var rounder = E8PBackbone.Rounder(scalesOf: greedy)
        // Wᵀ row-major: row j is column j of W, updated in place by the feedback.
        var work = matrix.transposed().elements
        var vector = [Double](repeating: 0, count: d)
        var approximation = [Double](repeating: 0, count: d)
        var residual = [Double](repeating: 0, count: d * m)
        var start = 0
        while start < n {
            let end = min(start + Self.blockWidth - Self.blockWidth % d, n)  // whole runs of 8
            var feedback = [Double](repeating: 0, count: (end - start) * m)  // Z, column j's at (j − start)·m
            for b in stride(from: start, to: end, by: d) {
                for row in 0..<m {
                    for i in 0..<d { vector[i] = work[(b + i) * m + row] }
                    rounder.round(row: row, run: b / d, vector, into: &approximation)
                    for i in 0..<d { residual[i * m + row] = vector[i] - approximation[i] }
                }
                // Z_b·U_bb = R_b, one entry of the 8 at a time.
                for i in 0..<d {
                    let pivot = upper[b + i, b + i]
                    let offset = (b + i - start) * m
                    for row in 0..<m { feedback[offset + row] = residual[i * m + row] }
                    for p in 0..<i {
                        let weight = upper[b + p, b + i]
                        if weight == 0 { continue }
                        let earlier = (b + p - start) * m
                        for row in 0..<m { feedback[offset + row] -= weight * feedback[earlier + row] }
                    }
                    for row in 0..<m { feedback[offset + row] /= pivot }
                }
                for k in (b + d)..<end {
                    for i in 0..<d {
                        let weight = upper[b + i, k]
                        if weight == 0 { continue }
                        let offset = (b + i - start) * m
                        for row in 0..<m { work[k * m + row] -= weight * feedback[offset + row] }
                    }
                }
            }
            try Self.feedForward(feedback, from: start..<end, into: &work, rows: m, upper: upper)
            start = end
        }
        return rounder.backbone(rows: m, columns: n)
    }
}
