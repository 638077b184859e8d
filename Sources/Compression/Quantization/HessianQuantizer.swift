import LinearAlgebra
import Planning

/// GPTQ / LDLQ quantization of a matrix `W` (m×n, `y = W·x`) for its layer's inputs: the codes
/// minimise the output error `‖(W − Ŵ)·X‖` column by column instead of rounding each weight on its
/// own, and are written in exactly ``QuantizedMatrix``'s layout (groups along a row, F16 or BF16 scales
/// and zero points, the same per-group rule, ``QuantizationGroup``), so any reader of the
/// round-to-nearest output decodes them unchanged.
///
/// **Hessian.** `H = S·Sᵀ` from the ``Planning/Whitening`` (the averaged second moment `X·Xᵀ/T`,
/// plus the whitening's own shift λ when the statistics were singular), dampened as GPTQ does
/// (`percdamp`): `H_d = H + δ·I` with `δ = dampening · mean(diag H)`. The default is 10%, not
/// GPTQ's 1%: at the 2–3 bits of a CALDERA backbone, with group ranges taken from error-updated
/// weights, 1% lets the error feedback widen later groups. In a numpy experiment (80×96 weights,
/// three kinds of anisotropic inputs, two seeds, four rank/bits choices) ``HessianCaldera`` was
/// strictly below plain CALDERA's output error in 21 of 24 cases at 1% and in all 24 at 10%;
/// 10% lowered the 2-bit results in 9 of 12 cases and moved 3–4-bit ones by up to 8% either way. It also keeps
/// `H_d⁻¹` well conditioned when few tokens or correlated channels make `H` nearly singular.
/// LDLQ minimises `‖(W − Ŵ)·S_d‖²` for `S_d·S_dᵀ = H_d`: the measured `‖(W − Ŵ)·S‖²` plus
/// `δ·‖W − Ŵ‖²`. (Undamped, on the tests' inputs with 3n tokens, the feedback diverges: output
/// error 151 × ‖W·S‖, numpy's GPTQ agreeing code for code.)
///
/// **Algorithm** (GPTQ, Frantar et al. 2022; equivalently LDLQ, Chee et al. 2023): with `U` the
/// upper Cholesky factor of `H_d⁻¹` (`H_d⁻¹ = Uᵀ·U`), for each column j in order:
/// quantize it (`q_j`), form the scaled error `e = (w_j − q̂_j)/U_jj` and subtract `e·U_jk` from
/// every later column k > j. With groups, a group's scale and zero point are fixed from the
/// error-updated weights when the group's first column is reached (GPTQ's `groupsize`, natural
/// column order, no `act_order`). Updates are applied lazily in blocks of up to 128 columns
/// (GPTQ's `blocksize`): exact within a block, one matrix product for the columns after it; a block
/// never ends inside a group that starts within it, so a group's range always sees every update
/// from the columns before it.
///
/// `U` is computed without an explicit inverse: with J the reversal permutation and
/// `J·H_d·J = L'·L'ᵀ`, `U = J·L'⁻¹·J` (upper, positive diagonal, `Uᵀ·U = H_d⁻¹`).
///
/// **Diagonal whitening** (only per-channel mean squares known): `H` is diagonal, so is `U`, no
/// error reaches another column and LDLQ *is* round-to-nearest: ``quantize(_:bits:groupSize:)``
/// then calls ``QuantizedMatrix/init(quantizing:bits:groupSize:)`` directly (``roundToNearest``).
///
/// Cost: `n³` to factor once per matrix, then ≈ `m·n²` per quantization (mostly one matrix product
/// per block).
struct HessianQuantizer {
    /// The default relative dampening, 10% of mean(diag H) (GPTQ's `percdamp` is 1%; see above).
    static let defaultDampening = 0.1
    /// Lazy-update block width (GPTQ's `blocksize`).
    static let blockWidth = 128

    /// `U` (n×n, upper triangular) with `H_d⁻¹ = Uᵀ·U`; nil for round-to-nearest.
    let inverseFactor: Matrix?

    /// A quantizer that rounds each weight to the nearest code (no Hessian).
    static let roundToNearest = HessianQuantizer(inverseFactor: nil)

    private init(inverseFactor: Matrix?) {
        self.inverseFactor = inverseFactor
    }

    /// The quantizer for inputs whitened by `whitening`: LDLQ for a Cholesky whitening,
    /// round-to-nearest for a diagonal one. `dampening` ≥ 0 is relative to the mean of diag H.
    ///
    /// - Throws: ``LinearAlgebraError`` when the dampened Hessian is not positive definite.
    init(_ whitening: Whitening, dampening: Double = HessianQuantizer.defaultDampening) throws {
        guard case .cholesky(let cholesky) = whitening else {
            self.init(inverseFactor: nil)
            return
        }
        let factor = cholesky.factor
        let n = factor.rows
        // J·M·J of a row-major n×n matrix M is its element array reversed.
        let hessian = try factor.gramOfRows()  // dsyrk: half the flops of the product, the same values
        let delta = dampening * (0..<n).reduce(0.0) { $0 + hessian[$1, $1] } / Double(max(n, 1))
        var reversed = try Matrix(rows: n, columns: n, elements: hessian.elements.reversed())
        for i in 0..<n { reversed[i, i] += delta }
        let lowerInverse = try Matrix.identity(order: n).solved(byLowerTriangular: LAPACK.cholesky(reversed))
        let upper = try Matrix(rows: n, columns: n, elements: lowerInverse.elements.reversed())
        self.init(inverseFactor: upper)
    }

    /// The codes of `matrix` (m×n, n the whitening's width) at `bits` ∈ 2…8 with groups of
    /// `groupSize` ≥ 1 along each row.
    ///
    /// - Throws: ``CompressionError/unrepresentableScale(_:)`` when a group's range overflows F16,
    ///   ``LinearAlgebraError`` when a block product fails.
    func quantize(_ matrix: Matrix, bits: Int, groupSize: Int) throws -> QuantizedMatrix {
        guard let upper = inverseFactor else {
            return try QuantizedMatrix(quantizing: matrix, bits: bits, groupSize: groupSize)
        }
        precondition(bits >= 2 && bits <= 8 && groupSize >= 1, "invalid quantization \(bits) bits, groups of \(groupSize)")
        precondition(upper.rows == matrix.columns, "a \(matrix.rows)×\(matrix.columns) matrix needs a \(matrix.columns)-wide Hessian, not \(upper.rows)")
        let m = matrix.rows, n = matrix.columns
        let groups = (n + groupSize - 1) / groupSize
        let levels = Double((1 << bits) - 1)
        // Wᵀ row-major: row j is column j of W, contiguous, updated in place by the error feedback.
        var work = matrix.transposed().elements
        var codes = [UInt8](repeating: 0, count: m * n)
        var scales = [UInt16](repeating: 0, count: m * groups)
        var zeros = [UInt16](repeating: 0, count: m * groups)
        // The scale type follows the matrix as given; the error feedback moves group ranges only a little.
        let format = try ScaleFormat.choose(for: matrix.elements, rows: m, columns: n, groupSize: groupSize, levels: levels)
        var rules: [QuantizationGroup] = []
        var start = 0
        while start < n {
            let end = Self.blockEnd(start: start, columns: n, groupSize: groupSize)
            var errors = [Double](repeating: 0, count: (end - start) * m)
            for j in start..<end {
                if j % groupSize == 0 {
                    rules = try Self.groupRules(work, rows: m, columns: j..<min(j + groupSize, n), levels: levels, format: format)
                    for row in 0..<m {
                        scales[row * groups + j / groupSize] = rules[row].scaleBits
                        zeros[row * groups + j / groupSize] = rules[row].zeroBits
                    }
                }
                let pivot = upper[j, j]
                let offset = (j - start) * m
                for row in 0..<m {
                    let value = work[j * m + row]
                    let code = rules[row].code(value)
                    codes[row * n + j] = code
                    errors[offset + row] = (value - rules[row].value(code)) / pivot
                }
                for k in (j + 1)..<end {
                    let weight = upper[j, k]
                    if weight == 0 { continue }
                    for row in 0..<m { work[k * m + row] -= weight * errors[offset + row] }
                }
            }
            try Self.feedForward(errors, from: start..<end, into: &work, rows: m, upper: upper)
            start = end
        }
        return QuantizedMatrix(rows: m, columns: n, bits: bits, groupSize: groupSize, codes: codes, scales: scales,
                               scaleFormat: format, zeros: zeros)
    }

    /// The lazy update after a block of columns: `Wᵀ[end..<n] −= U[block, end..<n]ᵀ · E`, where
    /// `errors` holds the block's scaled errors E (column j's at `(j − block.lowerBound)·rows`) and
    /// `work` is Wᵀ row-major (column j of W at `j·rows`). Nothing to do for the last block.
    static func feedForward(_ errors: [Double], from block: Range<Int>, into work: inout [Double], rows: Int, upper: Matrix) throws {
        let n = upper.columns, end = block.upperBound
        guard end < n else { return }
        var coupling = Matrix(rows: block.count, columns: n - end)
        for i in block { for k in end..<n { coupling[i - block.lowerBound, k - end] = upper[i, k] } }
        let update = try coupling.transposeMultiplied(by: Matrix(rows: block.count, columns: rows, elements: errors))
        for index in update.elements.indices { work[end * rows + index] -= update.elements[index] }
    }

    /// The end of the block starting at column `start`: up to ``blockWidth`` columns, cut before
    /// the last group starting inside it if that group would run past the block.
    static func blockEnd(start: Int, columns: Int, groupSize: Int) -> Int {
        let end = min(start + blockWidth, columns)
        let lastGroupStart = (end - 1) / groupSize * groupSize
        if lastGroupStart > start, min(lastGroupStart + groupSize, columns) > end { return lastGroupStart }
        return end
    }

    /// Each row's group over `columns` of the (error-updated) transposed work matrix.
    private static func groupRules(_ work: [Double], rows: Int, columns: Range<Int>, levels: Double,
                                   format: ScaleFormat) throws -> [QuantizationGroup] {
        var low = Array(work[(columns.lowerBound * rows)..<(columns.lowerBound * rows + rows)])
        var high = low
        for column in columns.dropFirst() {
            for row in 0..<rows {
                let value = work[column * rows + row]
                low[row] = min(low[row], value)
                high[row] = max(high[row], value)
            }
        }
        return try (0..<rows).map { try QuantizationGroup(low: low[$0], high: high[$0], levels: levels, format: format) }
    }
}
