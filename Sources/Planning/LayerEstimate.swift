/// What one tensor costs and loses under a ``LayerChoice``: a pure function of its shape, stored
/// width, spectrum and the choice, cheap enough to recompute on every keystroke.
///
/// For an m×n matrix W with singular values σ₁ ≥ … ≥ σₛ, E = ‖W‖_F² = Σσᵢ², and
/// tail(k) = Σ_{i>k} σᵢ²:
/// - **Parameters**: before m·n; dense after m·n; factors k·(m+n); CALDERA m·n + k·(m+n).
///   Scales and zero points are not parameters (they are counted in bytes).
/// - **Bytes** (``GroupQuantization`` layout): before = stored bytes; dense at b bits
///   ⌈(m·n·b + 32·m·⌈n/g⌉)/8⌉ (no overhead at 16); factors ⌈(m·k·b + 32·k·⌈m/g⌉)/8⌉ +
///   ⌈(k·n·b + 32·k·⌈n/g⌉)/8⌉; CALDERA adds the backbone as a dense m×n matrix at its bits.
/// - **Average bits per weight** = bytes after · 8 / (m·n).
/// - **Squared error** ε² = α·tail(k) + c_f·(E − tail(k)), relative error √(ε²/E):
///   - α = 1 for LoRD (Eckart–Young: the discarded tail; exact for 16-bit factors);
///     α = c_Q = c(b_Q, min(g, n)) for CALDERA: the model takes L·R as the top-k SVD of W and
///     Q as W − L·R quantized, i.e. the state after the first alternation, which further
///     CALDERA iterations can only improve; so it is an upper estimate.
///   - c_f = c_A + c_B + c_A·c_B with c_A = c(b, min(g, m)), c_B = c(b, min(g, n)): each
///     component σᵢ·uᵢvᵢᵀ is stored as aᵢbᵢᵀ with its own groups, the noise of A adds
///     c_A·σᵢ² (E[‖E_A B‖²] = Σᵢ m·var(aᵢ noise)·‖bᵢ‖²), that of B c_B·σᵢ², their product
///     c_A·c_B·σᵢ²; independent of how σᵢ is split between aᵢ and bᵢ. c_f = 0 at 16 bits.
///   - dense at b < 16 bits: ε² = c(b, min(g, n))·E; at 16 bits or as stored: 0 (BF16 rounding
///     of an F32 original is ignored).
///   c(b, g) is ``GroupQuantization/noiseFraction(bits:groupLength:)``.
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
    /// α·tail(k): what the factors leave out (LoRD), or its quantized remainder (CALDERA); nil if unknown.
    public let residualSquaredError: Double?
    /// Quantization noise of the factors or of the dense matrix; nil if unknown.
    public let noiseSquaredError: Double?
    /// √(ε²/E); for a quantized dense matrix known from the model even without a spectrum; nil if unknown.
    public let relativeError: Double?

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
            parametersAfter = parametersBefore
            flopsAfter = flopsBefore
            residualSquaredError = energy == nil ? nil : 0
            if let bits, let shape {
                bytesAfter = GroupQuantization.denseBytes(rows: shape.rows, columns: shape.columns, bits: bits, groupSize: groupSize)
                let c = GroupQuantization.noiseFraction(bits: bits, groupLength: min(groupSize, shape.columns))
                noiseSquaredError = energy.map { c * $0 }
                relativeError = c.squareRoot()
            } else {
                bytesAfter = bytesBefore
                noiseSquaredError = energy == nil ? nil : 0
                relativeError = 0
            }
        case let .lowRank(rank, factorBits, groupSize, backboneBits):
            let (m, n) = shape!  // validated
            let model = LayerEstimate.errorModel(rows: m, columns: n, factorBits: factorBits, groupSize: groupSize, backboneBits: backboneBits)
            var bytes = GroupQuantization.factorBytes(rows: m, columns: n, rank: rank, bits: factorBits, groupSize: groupSize)
            var params = rank * (m + n)
            var flops = 2 * rank * (m + n)
            if let backboneBits {
                bytes += GroupQuantization.denseBytes(rows: m, columns: n, bits: backboneBits, groupSize: groupSize)
                params += m * n
                flops += 2 * m * n
            }
            bytesAfter = bytes
            parametersAfter = params
            flopsAfter = flops
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

    /// α and c_f of the error model: ε² = α·tail(k) + c_f·(E − tail(k)).
    public static func errorModel(rows: Int, columns: Int, factorBits: Int, groupSize: Int,
                                  backboneBits: Int?) -> (residual: Double, noise: Double) {
        let cA = GroupQuantization.noiseFraction(bits: factorBits, groupLength: min(groupSize, rows))
        let cB = GroupQuantization.noiseFraction(bits: factorBits, groupLength: min(groupSize, columns))
        let residual = backboneBits.map { GroupQuantization.noiseFraction(bits: $0, groupLength: min(groupSize, columns)) } ?? 1
        return (residual, cA + cB + cA * cB)
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
