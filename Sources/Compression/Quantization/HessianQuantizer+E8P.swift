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
                Self.feedBack(residual, block: b, start: start, end: end, rows: m, upper: upper, feedback: &feedback, work: &work)
            }
            try Self.feedForward(feedback, from: start..<end, into: &work, rows: m, upper: upper)
            start = end
        }
        return rounder.backbone(rows: m, columns: n)
    }

    /// The error feedback of the block of 8 columns at `b` (inside the lazy block `start..<end`):
    /// `Z_b·U_bb = R_b` by forward substitution (`residual` holds R_b, entry i's m rows at `i·m`;
    /// Z goes to `feedback`, column j's at `(j − start)·m`), then `−Z_b·U[b, k]` into every later
    /// column k of the lazy block (`work` is Wᵀ, column k at `k·m`).
    ///
    /// Each entry sees the same operations in the same order as one pass per term would give it
    /// (subtract the terms of non-zero weights in increasing i, then divide by the pivot), so the
    /// result is the same to the bit; but each row of `work` is read and written once instead of
    /// once per term, and the substitution runs row by row in registers.
    static func feedBack(_ residual: [Double], block b: Int, start: Int, end: Int, rows m: Int, upper: Matrix,
                         feedback: inout [Double], work: inout [Double]) {
        let d = E8PCodebook.dimension, n = upper.columns
        upper.elements.withUnsafeBufferPointer { u in
            residual.withUnsafeBufferPointer { r in
                feedback.withUnsafeMutableBufferPointer { f in
                    work.withUnsafeMutableBufferPointer { w in
                        let z = f.baseAddress! + (b - start) * m
                        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * d) { scratch in
                            let weights = scratch.baseAddress!, values = weights + d
                            // Z_b·U_bb = R_b, row by row: z_i = (r_i − Σ_{p<i} U[b+p, b+i]·z_p) / U[b+i, b+i].
                            for row in 0..<m {
                                for i in 0..<d {
                                    var value = r[i * m + row]
                                    for p in 0..<i {
                                        let weight = u[(b + p) * n + b + i]
                                        if weight != 0 { value -= weight * values[p] }
                                    }
                                    values[i] = value / u[(b + i) * n + b + i]
                                    z[i * m + row] = values[i]
                                }
                            }
                            // work_k −= Σ_i U[b+i, k]·z_i for the later columns k of the lazy block.
                            for k in (b + d)..<end {
                                var dense = true
                                for i in 0..<d {
                                    weights[i] = u[(b + i) * n + k]
                                    if weights[i] == 0 { dense = false }
                                }
                                let target = w.baseAddress! + k * m
                                if dense {
                                    let w0 = weights[0], w1 = weights[1], w2 = weights[2], w3 = weights[3]
                                    let w4 = weights[4], w5 = weights[5], w6 = weights[6], w7 = weights[7]
                                    for row in 0..<m {
                                        var value = target[row]
                                        value -= w0 * z[row]
                                        value -= w1 * z[m + row]
                                        value -= w2 * z[2 * m + row]
                                        value -= w3 * z[3 * m + row]
                                        value -= w4 * z[4 * m + row]
                                        value -= w5 * z[5 * m + row]
                                        value -= w6 * z[6 * m + row]
                                        value -= w7 * z[7 * m + row]
                                        target[row] = value
                                    }
                                } else {
                                    for i in 0..<d where weights[i] != 0 {
                                        let weight = weights[i], source = z + i * m
                                        for row in 0..<m { target[row] -= weight * source[row] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
