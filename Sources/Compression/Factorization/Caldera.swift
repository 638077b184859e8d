import Planning
import LinearAlgebra
import SafeTensors

/// CALDERA's `W ≈ Q + L·R`: a quantized backbone Q plus quantized low-rank factors L·R.
///
/// Iteration 1 takes (L, R) as the rank-k truncation of W (√Σ split, quantized at the factor bits)
/// and Q = quantize(W − L̂R̂) at the backbone bits: exactly the state ``Planning/LayerEstimate``'s
/// CALDERA model describes. Each further iteration refits (L, R) as the rank-k truncation of the
/// residual W − Q̂ (quantized again), then re-quantizes Q = quantize(W − L̂R̂). Every quantity is
/// the *read-back* (dequantized) value, so each step fits what the reader will see. Alternating
/// minimisation of this kind is not monotone once rounding enters, so every iterate is measured
/// (‖W − Q̂ − L̂R̂‖_F) and the best one is kept: the result is never worse than iteration 1.
/// A run that starts to diverge stops early (``Alternation``).
struct Caldera {

    /// The backbone Q̂ as written under `P.backbone`.
    let backbone: EncodedMatrix
    /// The factors as written.
    let factors: EncodedFactors
    /// Q̂ + L̂R̂.
    let reconstruction: Matrix
    /// ‖W − Ŵ‖_F / ‖W‖_F of every iterate, in order; the kept one is the smallest.
    let iterateErrors: [Double]

    /// Runs `iterations` (at least 1) alternations and keeps the best iterate.
    init(_ weight: Matrix, rank: Int, module: String, factorBits: Int, backboneBits: Int, groupSize: Int,
         iterations: Int, factorType: DType, codebook: BackboneCodebook = .scalar) throws {
        var best: (backbone: EncodedMatrix, factors: EncodedFactors, reconstruction: Matrix, error: Double)?
        var errors: [Double] = []
        var target = weight
        for _ in 0..<max(iterations, 1) {
            let factors: EncodedFactors, backbone: EncodedMatrix
            do {
                factors = try EncodedFactors(truncating: target, rank: rank, module: module, bits: factorBits,
                                             groupSize: groupSize, factorType: factorType)
                backbone = try HessianQuantizer.roundToNearest.encodedBackbone(weight - factors.product, codebook: codebook, bits: backboneBits,
                                                                                groupSize: groupSize, prefix: FactorNaming.backbonePrefix(module: module))
            } catch CompressionError.unrepresentableScale where best != nil {
                break  // the alternation ran away (see ``Alternation``); keep the best iterate
            }
            let reconstruction = backbone.readBack + factors.product
            let error = reconstruction.relativeDistance(to: weight)
            errors.append(error)
            if best == nil || error < best!.error { best = (backbone, factors, reconstruction, error) }
            if Alternation.hasDiverged(error: error, best: best!.error) { break }
            target = weight - backbone.readBack
        }
        backbone = best!.backbone
        factors = best!.factors
        reconstruction = best!.reconstruction
        iterateErrors = errors
    }
}
