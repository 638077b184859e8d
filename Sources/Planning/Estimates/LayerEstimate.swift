/// What one tensor costs and loses under a ``LayerChoice``: a pure function of its shape, stored
/// width, spectrum and the choice, cheap enough to recompute on every keystroke.
///
/// For an m×n matrix W with singular values σ₁ ≥ … ≥ σₛ, E = ‖W‖_F² = Σσᵢ², and
/// tail(k) = Σ_{i>k} σᵢ²:
/// - **Parameters**: before m·n; dense after m·n; factors k·(m+n); CALDERA m·n + k·(m+n).
///   Scales and zero points are not parameters (they are counted in bytes).
/// - **Bytes** (``GroupQuantization`` layout): before = stored bytes; dense at b bits
///   ⌈(m·n·b + 32·m·⌈n/g⌉)/8⌉ (no overhead at 16); factors ⌈(m·k·b + 32·k·⌈m/g⌉)/8⌉ +
///   ⌈(k·n·b + 32·k·⌈n/g⌉)/8⌉; CALDERA adds the backbone as a dense m×n matrix at its bits, or
///   with the E8P codebook 2·m·n/8 + 2·m (``BackboneCodebook/backboneBytes(rows:columns:bits:groupSize:)``).
/// - **Average bits per weight** = bytes after · 8 / (m·n).
/// - **Squared error** ε² = α·tail(k) + ν·(E − tail(k)), relative error √(ε²/E), with the
///   noise fractions c of ``GroupQuantization`` taken over the rows each tensor is grouped along:
///   c_A = c(b, m) for A (groups down its columns), c_B = c(b, n) for B, c_Q = c(b_Q, n) for a
///   scalar backbone (``BackboneCodebook/e8pNoiseFraction`` for an E8P one), each ``GroupQuantization/noiseFraction(bits:length:groupSize:)`` at the group size.
///   - **Dense** at b < 16 bits: ε² = c(b, n)·E; at 16 bits or as stored: 0 (BF16 rounding of an
///     F32 original is ignored). Known even without a spectrum (relative error √c).
///   - **LoRD** (W ≈ A·B, A = U_k·√Σ_k, B = √Σ_k·V_kᵀ): α = 1, ν = c_f = c_A + c_B + c_A·c_B.
///     The truncation leaves out tail(k) (Eckart–Young; exact for 16-bit factors, c_f = 0). Each
///     component σᵢ·uᵢvᵢᵀ is stored as aᵢbᵢᵀ with its own groups: the noise of A adds c_A·σᵢ²
///     (E‖E_A·B‖² = Σᵢ ‖noise of aᵢ‖²·‖bᵢ‖² = c_A·σᵢ·σᵢ), that of B c_B·σᵢ², their product
///     c_A·c_B·σᵢ², whatever the split of σᵢ between aᵢ and bᵢ. E_A·B lies in the span of V_k
///     and A·E_B in that of U_k, both orthogonal to the discarded tail, so the energies add.
///   - **CALDERA** (W ≈ Q + L·R): the estimate is the first alternation, where L̂R̂ is the top-k
///     truncation with quantized factors, L̂R̂ = W_k + N_f with ‖N_f‖² = c_f·(E − tail(k)), and Q
///     quantizes the remainder W − L̂R̂ = (W − W_k) − N_f, whose two parts are orthogonal (as
///     above). The backbone *re-quantizes* the factors' noise instead of adding to it, so the
///     only error left is Q's own noise: ε² = c_Q·(tail(k) + c_f·(E − tail(k))), i.e. α = c_Q and
///     ν = c_Q·c_f (with 16-bit factors ν = 0 and ε² = c_Q·tail(k)). The compressor keeps the
///     best of its iterates, never worse than the first, so this is an upper estimate. The first
///     iterate matches it within 0.98…1.03 on Gaussian and decaying spectra (0.93…1.08 on
///     low-rank-plus-noise ones; see `MatrixCompressor`). Further iterations lower
///     the error mainly with 16-bit factors, where the refit absorbs the part of Q's noise inside
///     the rank-k tangent space: to 0.93–0.95 × after two at rank 16 of 256×384, 0.82–0.85 × at
///     rank 64, and in a numpy simulation of the same alternation 0.70 × after six at rank 64;
///     with quantized factors they gained 0–10 %. The model does not discount them: the iteration
///     count is not part of the choice, and a rank-dependent factor would break the per-rank gains below.
///   The step from rank k − 1 to k changes ε² by −(α − ν)·σ_k², so ε² is convex in k with per-rank
///   gains (α − ν)·σ_k², as ``BudgetAllocator`` assumes, and non-increasing whenever c_f < 1 (1 > c_f
///   and c_Q > c_Q·c_f): every setting but 2-bit factors in groups of about 1500 or more, where a
///   quantized component really does add more noise than the signal it carries.
/// - **FLOPs per token**: dense 2·m·n; factors 2·k·(m+n); CALDERA 2·m·n + 2·k·(m+n);
///   embeddings and vectors 0 (a lookup or an element-wise op).
/// - **Bytes read per token**: the bytes after (every weight is read once per token at batch 1),
///   except an embedding table, of which one row is read: ⌈bytes/rows⌉.
/// - **Speed-ups**: memory-bound (batch 1) = bytes read before / after; compute-bound =
///   FLOPs before / after (∞ when nothing is left to compute, 1 when there was nothing to compute).
public struct LayerEstimate: Sendable, Equatable {
    /// The tensor's name.
    public let name: String
    /// Its block, nil outside blocks.
    public let block: Int?
    /// Its role.
    public let role: String
    /// The choice estimated.
    public let choice: LayerChoice
    /// Parameters (elements) before.
    public let parametersBefore: Int
    /// Parameters after (factor and backbone elements; no scales).
    public let parametersAfter: Int
    /// Bytes as stored.
    public let bytesBefore: Int
    /// Bytes after, scales and zero points included.
    public let bytesAfter: Int
    /// Bytes read per token before.
    public let bytesReadBefore: Int
    /// Bytes read per token after.
    public let bytesReadAfter: Int
    /// FLOPs per token before.
    public let flopsBefore: Int
    /// FLOPs per token after.
    public let flopsAfter: Int
    /// ‖W‖_F², nil when the spectrum is unknown.
    public let squaredNorm: Double?
    /// α·tail(k): what the factors leave out (LoRD), or the backbone's noise on it (CALDERA); 0 for dense; nil if unknown.
    public let residualSquaredError: Double?
    /// ν·(E − tail(k)): quantization noise of the factors (LoRD), the backbone's noise on the factors'
    /// noise (CALDERA), or c·E for a dense matrix; nil if unknown.
    public let noiseSquaredError: Double?
    /// √(ε²/E); for a quantized dense matrix known from the model even without a spectrum; nil if unknown.
    public let relativeError: Double?
    /// True when the error comes from a partial estimate of the spectrum (``Spectrum/isEstimate``):
    /// then it is an upper bound on the figure the exact spectrum gives (``SpectrumEstimate``),
    /// as long as the factors' noise fraction c_f stays below 1 (every setting but 2-bit factors
    /// in very large groups; see the type's documentation).
    public let errorIsUpperBound: Bool

    /// Estimates `choice` for `tensor`, throwing ``PlanError`` when the choice is impossible.
    public init(tensor: PlannedTensor, choice: LayerChoice) throws {
        let shape = tensor.matrixShape
        try choice.validate(tensor: tensor.name, rows: shape?.rows, columns: shape?.columns)
        name = tensor.name
        block = tensor.block
        role = tensor.role
        self.choice = choice
        parametersBefore = tensor.elementCount
        bytesBefore = tensor.storedBytes
        let isEmbedding = tensor.kind == .embedding
        let computes = shape != nil && !isEmbedding
        let energy = tensor.squaredNorm
        squaredNorm = energy
        func readBytes(_ bytes: Int) -> Int {
            if isEmbedding, let shape, shape.rows > 0 { return (bytes + shape.rows - 1) / shape.rows }
            return bytes
        }
        bytesReadBefore = readBytes(bytesBefore)
        flopsBefore = computes ? 2 * tensor.elementCount : 0
        switch choice {
        case let .dense(bits, groupSize):
            errorIsUpperBound = false  // c·E with the exact E, or 0
            parametersAfter = parametersBefore
            flopsAfter = flopsBefore
            residualSquaredError = energy == nil ? nil : 0
            if let bits, let shape {
                bytesAfter = GroupQuantization.denseBytes(rows: shape.rows, columns: shape.columns, bits: bits, groupSize: groupSize)
                let c = GroupQuantization.noiseFraction(bits: bits, length: shape.columns, groupSize: groupSize)
                noiseSquaredError = energy.map { c * $0 }
                relativeError = c.squareRoot()
            } else {
                bytesAfter = tensor.writtenBytes
                noiseSquaredError = energy == nil ? nil : 0
                relativeError = 0
            }
        case let .lowRank(rank, factorBits, groupSize, backboneBits, codebook):
            let (m, n) = shape!  // validated
            let model = LayerEstimate.errorModel(rows: m, columns: n, factorBits: factorBits, groupSize: groupSize,
                                                 backboneBits: backboneBits, codebook: codebook)
            var bytes = GroupQuantization.factorBytes(rows: m, columns: n, rank: rank, bits: factorBits, groupSize: groupSize)
            var params = rank * (m + n)
            var flops = 2 * rank * (m + n)
            if let backboneBits {
                bytes += codebook.backboneBytes(rows: m, columns: n, bits: backboneBits, groupSize: groupSize)
                params += m * n
                flops += 2 * m * n
            }
            bytesAfter = bytes
            parametersAfter = params
            flopsAfter = flops
            errorIsUpperBound = tensor.spectrum?.isEstimate == true
            if let spectrum = tensor.spectrum, let total = energy {
                let tail = spectrum.tailEnergy[min(rank, spectrum.singularValues.count)]
                residualSquaredError = model.residual * tail
                noiseSquaredError = model.noise * (total - tail)
                relativeError = total > 0 ? ((residualSquaredError! + noiseSquaredError!) / total).squareRoot() : 0
            } else {
                residualSquaredError = nil
                noiseSquaredError = nil
                relativeError = nil
            }
        }
        bytesReadAfter = readBytes(bytesAfter)
    }

    /// The estimate of a tensor kept as stored (never throws).
    public static func kept(_ tensor: PlannedTensor) -> LayerEstimate {
        // `.keep` is valid for every tensor.
        try! LayerEstimate(tensor: tensor, choice: .keep)
    }

    /// α and ν of the error model ε² = α·tail(k) + ν·(E − tail(k)) for an m×n matrix: α = 1 and
    /// ν = c_f for plain factors; α = c_Q and ν = c_Q·c_f with a backbone (see the type's documentation).
    public static func errorModel(rows: Int, columns: Int, factorBits: Int, groupSize: Int,
                                  backboneBits: Int?, codebook: BackboneCodebook = .scalar) -> (residual: Double, noise: Double) {
        let cA = GroupQuantization.noiseFraction(bits: factorBits, length: rows, groupSize: groupSize)
        let cB = GroupQuantization.noiseFraction(bits: factorBits, length: columns, groupSize: groupSize)
        let factorNoise = cA + cB + cA * cB
        guard let backboneBits else { return (1, factorNoise) }
        let cQ = codebook.noiseFraction(bits: backboneBits, columns: columns, groupSize: groupSize)
        return (cQ, cQ * factorNoise)
    }

    /// ε² = residual + noise, nil when unknown.
    public var squaredError: Double? {
        guard let residualSquaredError, let noiseSquaredError else { return nil }
        return residualSquaredError + noiseSquaredError
    }

    /// Bytes after · 8 / elements.
    public var bitsPerWeight: Double {
        parametersBefore > 0 ? Double(bytesAfter) * 8 / Double(parametersBefore) : 0
    }

    /// Bytes read before / after: the speed-up when memory-bound (batch 1).
    public var memoryBoundSpeedup: Double { LayerEstimate.ratio(bytesReadBefore, bytesReadAfter) }

    /// FLOPs before / after: the speed-up when compute-bound.
    public var computeBoundSpeedup: Double { LayerEstimate.ratio(flopsBefore, flopsAfter) }

    /// before / after, with 0/0 = 1 and x/0 = ∞.
    static func ratio(_ before: Int, _ after: Int) -> Double {
        if after == 0 { return before == 0 ? 1 : .infinity }
        return Double(before) / Double(after)
    }
}
