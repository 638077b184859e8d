import LinearAlgebra
import Planning

/// One matrix compressed by data-aware truncation, with its weight and output errors side by side.
public struct DataAwareCompressedMatrix: Sendable {
    /// The tensors, the measured weight error ‖W − Ŵ‖/‖W‖, the estimate (of the output error) and,
    /// for CALDERA, the relative **output** error of every iterate (`iterateErrors`; the kept one is
    /// the smallest).
    public let compressed: CompressedMatrix
    /// Measured relative output error ‖(W − Ŵ)·S‖/‖W·S‖ of the factors as written, i.e.
    /// ‖(W − Ŵ)·X‖/‖W·X‖ on the statistics' inputs (with the regularising shift, if any).
    public let measuredOutputError: Double
}

/// Data-aware low-rank factorization (SVD-LLM / ASVD): the rank-k truncation of `W·S` mapped
/// back, `A = U_k·Σ_k^{1/2}`, `B = Σ_k^{1/2}·V_kᵀ·S⁻¹`, by the top-k route
/// (``Whitening/leadingTruncation(of:rank:tailEnergy:)``, taking the full SVD of
/// ``Whitening/truncatedFactors(of:rank:)`` above half of min(m, n) or when its accuracy check fails),
/// written in the same `P.0` = B, `P.1` = A layout as ``MatrixCompressor``, so `W ≈ A·B` still
/// holds for a reader. A new entry point beside ``MatrixCompressor``, which is unchanged.
///
/// With a backbone (`backboneBits` set) it is CALDERA weighted by the inputs (``HessianCaldera``):
/// data-aware factors and a GPTQ/LDLQ backbone (``HessianQuantizer``, 10% dampening; RTN for a
/// diagonal whitening; block LDLQ on the lattice for an E8P backbone), alternated `options.calderaIterations` times, the iterate with the smallest
/// output error kept (plain CALDERA's first iterate is among the candidates, see ``HessianCaldera``),
/// written as `P.0`, `P.1`, `P.backbone` like plain CALDERA. Its `iterateErrors` are output errors.
///
/// The estimate is ``LayerEstimate``'s figure for the choice on the whitened spectrum. Without a
/// backbone it is the output error of unquantized factors (exact for F32 factors with a Cholesky
/// whitening). With a backbone it is the CALDERA model's first iterate with round-to-nearest noise
/// taken relative to the whitened residual, a rough figure only: the backbone's grid lives in the
/// weight domain, not the whitened one (measured/estimate 0.94…1.37 on the tests' anisotropic
/// inputs, 80×96, ranks 4–16, 2–4-bit backbones).
///
/// Dense choices are refused: they do not depend on the data (use ``MatrixCompressor``).
public enum DataAwareCompressor {
    /// Compresses `weight` (named `name`) as `choice` says, whitened by `whitening`. The estimate
    /// uses `singularValues` (all of `W·S`'s, descending, e.g. from the spectrum cache keyed by the
    /// statistics) when given. Otherwise it needs only `‖W·S‖_F²` and the tail `Σ_{i>k} σᵢ²` (see
    /// ``LayerEstimate``), which come with the factors: the k leading values and the measured tail
    /// of the data-aware truncation of W (the factors' own, or CALDERA's first iterate's), so no
    /// second SVD is computed.
    ///
    /// - Throws: ``CompressionError`` for a bad name, an impossible or dense choice, or a
    ///   whitening of the wrong width; ``LinearAlgebraError`` when LAPACK fails.
    public static func compress(weight: Matrix, name: String, choice: LayerChoice, whitening: Whitening,
                                options: CompressionOptions, singularValues: [Double]? = nil) throws -> DataAwareCompressedMatrix {
        guard case let .lowRank(rank, factorBits, groupSize, backboneBits, _) = choice else {
            throw CompressionError.invalidChoice(tensor: name, reason: "data-aware compression is for low-rank choices; a dense choice does not depend on the data (use MatrixCompressor)")
        }
        guard let module = FactorNaming.modulePath(ofWeight: name) else { throw CompressionError.notAWeightName(name) }
        do {
            try options.resolved(choice).validate(tensor: name, rows: weight.rows, columns: weight.columns)
        } catch {
            throw CompressionError.invalidChoice(tensor: name, reason: "\(error)")
        }
        guard [.BF16, .F16, .F32].contains(options.factorType) else {
            throw CompressionError.unsupportedOutputType(options.factorType.rawValue)
        }
        guard inputWidth(of: whitening) == weight.columns else {
            throw CompressionError.invalidChoice(tensor: name, reason: "its input statistics have \(inputWidth(of: whitening)) channels but the weight has \(weight.columns) columns")
        }
        let parts: [EncodedMatrix], reconstruction: Matrix, iterateErrors: [Double]
        let head: (leading: [Double], tailEnergy: Double?)
        let measuredOutputError: Double
        if let backboneBits {
            // With incoherence processing: W' = U·W·Vᵀ and inputs V·x (whitening of V·H·Vᵀ); output
            // errors and the whitened spectrum are unchanged by the rotation, Ŵ = Uᵀ·Ŵ'·V.
            let incoherence = options.incoherenceSeed.map { Incoherence(seed: $0, rows: weight.rows, columns: weight.columns) }
            let rotatedWhitening = try incoherence?.rotated(whitening) ?? whitening
            let caldera = try HessianCaldera(incoherence?.rotated(weight) ?? weight, whitening: rotatedWhitening,
                                             quantizer: try HessianQuantizer(rotatedWhitening), rank: rank,
                                             module: module, factorBits: factorBits, backboneBits: backboneBits, groupSize: groupSize,
                                             iterations: options.calderaIterations, factorType: options.factorType,
                                             codebook: options.backboneCodebook(for: choice))
            parts = [caldera.factors.first, caldera.factors.second, caldera.backbone]
            reconstruction = incoherence?.unrotated(caldera.reconstruction) ?? caldera.reconstruction
            iterateErrors = caldera.iterateErrors
            head = caldera.whitenedSpectrum
            measuredOutputError = caldera.outputError  // measured on this reconstruction, as `outputError` does
        } else {
            let truncation = try whitening.leadingTruncation(of: weight, rank: rank, tailEnergy: singularValues == nil)
            head = (truncation.singularValues, truncation.tailEnergy)
            let factors = try EncodedFactors(a: truncation.a, b: truncation.b, module: module, bits: factorBits, groupSize: groupSize, factorType: options.factorType)
            parts = [factors.first, factors.second]
            reconstruction = factors.product
            iterateErrors = []
            // ‖W·S − Â·(B̂·S)‖/‖W·S‖: W·S is the truncation's own, and B̂·S costs k·n² instead of m·n².
            let whitenedProduct = try factors.second.readBack.multiplied(by: whitening.whiten(factors.first.readBack))
            measuredOutputError = whitenedProduct.relativeDistance(to: truncation.whitened)
        }
        let spectrum = Spectrum(tensorName: name, rows: weight.rows, columns: weight.columns,
                                singularValues: singularValues ?? estimateValues(leading: head.leading, tailEnergy: head.tailEnergy ?? 0,
                                                                                 count: min(weight.rows, weight.columns)))
        let estimate = try LayerEstimate(tensor: PlannedTensor(name: name, shape: [weight.rows, weight.columns], spectrum: spectrum),
                                         choice: options.resolved(choice)).relativeError
        let compressed = CompressedMatrix(tensors: parts.flatMap(\.tensors),
                                          measuredRelativeError: reconstruction.relativeDistance(to: weight),
                                          estimatedRelativeError: estimate,
                                          quantizedTensors: parts.compactMap(\.description),
                                          iterateErrors: iterateErrors)
        return DataAwareCompressedMatrix(compressed: compressed,
                                         measuredOutputError: measuredOutputError)
    }

    /// Singular values standing in for the whole spectrum of `W·S` in a rank-k estimate: the k
    /// leading ones and, when some are left out, one value `√tail` carrying their energy. Its
    /// ``Spectrum/tailEnergy`` is exact at 0 (`‖W·S‖_F²`) and k (the tail), the only entries
    /// ``LayerEstimate`` reads for a rank-k choice; its other figures are not W·S's.
    static func estimateValues(leading: [Double], tailEnergy: Double, count: Int) -> [Double] {
        leading.count < count ? leading + [tailEnergy.squareRoot()] : leading
    }

    /// The number of input channels `whitening` was made for (the width of S).
    static func inputWidth(of whitening: Whitening) -> Int {
        switch whitening {
        case .cholesky(let factor): return factor.factor.rows
        case .diagonal(let scales, _): return scales.count
        }
    }

    /// ‖(W − Ŵ)·S‖_F / ‖W·S‖_F (as ``LinearAlgebra/Matrix/relativeDistance(to:)``).
    static func outputError(_ weight: Matrix, _ approximation: Matrix, _ whitening: Whitening) throws -> Double {
        try whitening.whiten(approximation).relativeDistance(to: whitening.whiten(weight))
    }
}
