import LinearAlgebra
import Planning

/// One matrix compressed by data-aware truncation, with its weight and output errors side by side.
public struct DataAwareCompressedMatrix: Sendable {
    /// The tensors, the measured weight error ‖W − Ŵ‖/‖W‖ and the estimate (of the output error).
    public let compressed: CompressedMatrix
    /// Measured relative output error ‖(W − Ŵ)·S‖/‖W·S‖ of the factors as written, i.e.
    /// ‖(W − Ŵ)·X‖/‖W·X‖ on the statistics' inputs (with the regularising shift, if any).
    public let measuredOutputError: Double
}

/// Data-aware low-rank factorization (SVD-LLM / ASVD): the rank-k truncation of `W·S` mapped
/// back, `A = U_k·Σ_k^{1/2}`, `B = Σ_k^{1/2}·V_kᵀ·S⁻¹` (``Whitening/truncatedFactors(of:rank:)``),
/// written in the same `P.0` = B, `P.1` = A layout as ``MatrixCompressor``, so `W ≈ A·B` still
/// holds for a reader. A new entry point beside ``MatrixCompressor``, which is unchanged.
///
/// Only low-rank choices without a backbone: dense choices do not depend on the data (use
/// ``MatrixCompressor``), and CALDERA's Hessian-weighted form is not implemented yet.
public enum DataAwareCompressor {
    /// Compresses `weight` (named `name`) as `choice` says, whitened by `whitening`.
    ///
    /// - Throws: ``CompressionError`` for a bad name, an impossible, dense or backbone choice;
    ///   ``LinearAlgebraError`` when LAPACK fails.
    public static func compress(weight: Matrix, name: String, choice: LayerChoice, whitening: Whitening,
                                options: CompressionOptions) throws -> DataAwareCompressedMatrix {
        guard case let .lowRank(rank, factorBits, groupSize, backboneBits) = choice else {
            throw CompressionError.invalidChoice(tensor: name, reason: "data-aware compression is for low-rank choices; a dense choice does not depend on the data (use MatrixCompressor)")
        }
        guard backboneBits == nil else {
            throw CompressionError.invalidChoice(tensor: name, reason: "data-aware compression does not support a CALDERA backbone yet")
        }
        guard let module = FactorNaming.modulePath(ofWeight: name) else { throw CompressionError.notAWeightName(name) }
        do {
            try choice.validate(tensor: name, rows: weight.rows, columns: weight.columns)
        } catch {
            throw CompressionError.invalidChoice(tensor: name, reason: "\(error)")
        }
        guard [.BF16, .F16, .F32].contains(options.factorType) else {
            throw CompressionError.unsupportedOutputType(options.factorType.rawValue)
        }
        let (a, b) = try whitening.truncatedFactors(of: weight, rank: rank)
        let factors = try EncodedFactors(a: a, b: b, module: module, bits: factorBits, groupSize: groupSize, factorType: options.factorType)
        let spectrum = Spectrum(tensorName: name, rows: weight.rows, columns: weight.columns,
                                singularValues: try whitening.whitenedSingularValues(of: weight))
        let estimate = try LayerEstimate(tensor: PlannedTensor(name: name, shape: [weight.rows, weight.columns], spectrum: spectrum),
                                         choice: choice).relativeError
        let compressed = CompressedMatrix(tensors: factors.first.tensors + factors.second.tensors,
                                          measuredRelativeError: factors.product.relativeDistance(to: weight),
                                          estimatedRelativeError: estimate,
                                          quantizedTensors: [factors.first.description, factors.second.description].compactMap { $0 },
                                          iterateErrors: [])
        return DataAwareCompressedMatrix(compressed: compressed, measuredOutputError: try outputError(weight, factors.product, whitening))
    }

    /// ‖(W − Ŵ)·S‖_F / ‖W·S‖_F (as ``LinearAlgebra/Matrix/relativeDistance(to:)``).
    static func outputError(_ weight: Matrix, _ approximation: Matrix, _ whitening: Whitening) throws -> Double {
        try whitening.whiten(approximation).relativeDistance(to: whitening.whiten(weight))
    }
}
