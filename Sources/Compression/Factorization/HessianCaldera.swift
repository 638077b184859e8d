import LinearAlgebra
import Planning
import SafeTensors

/// CALDERA weighted by the layer's inputs (Saha et al. 2024, with the Hessian `H = S·Sᵀ`):
/// `W ≈ Q + L·R` minimising the output error `‖(W − Q̂ − L̂R̂)·S‖` instead of `‖W − Q̂ − L̂R̂‖`.
///
/// Each iteration refits (L, R) as the data-aware rank-k truncation of W − Q̂
/// (``Planning/Whitening/leadingTruncation(of:rank:tailEnergy:)``: top-k, with a full SVD only above
/// half of min(m, n) or when its accuracy check fails), quantized at the factor bits as
/// ``EncodedFactors/init(a:b:module:bits:groupSize:factorType:)`` does) and re-quantizes
/// Q = LDLQ(W − L̂R̂) at the backbone bits (``HessianQuantizer``). Every quantity is the read-back
/// value, every iterate's relative output error `‖(W − Ŵ)·S‖/‖W·S‖` is measured and the best kept.
///
/// Two safeguards make the alternation no worse than its unweighted alternatives, because neither
/// step is exact once rounding enters: a data-aware residual is large along directions the inputs
/// barely excite, and its group ranges then coarsen the grid everywhere; and LDLQ at 2–3 bits, with
/// group ranges taken from error-updated weights, can lose to round-to-nearest:
/// - **the first iterate** starts from the truncation of W in both forms: plain (``TruncatedSVD``,
///   exactly plain ``Caldera``'s first factors) and data-aware;
/// - **each backbone** is quantized both by LDLQ and by round-to-nearest;
/// and the candidate with the smallest output error is the iterate (and the next step's start).
/// Plain CALDERA's first iterate (plain factors, round-to-nearest backbone) is thus among the
/// candidates, so the kept output error never exceeds it.
///
/// With the E8P codebook the backbone is block LDLQ on the lattice (``HessianQuantizer/quantizeE8P(_:)``)
/// beside plain nearest-codeword rounding, under the same safeguards.
///
/// With the E8P codebook each backbone is block LDLQ on the lattice (``HessianQuantizer/quantizeE8P(_:)``)
/// beside plain nearest-codeword rounding, under the same safeguards.
///
/// Everything is written in plain CALDERA's layout (`P.0`, `P.1`, `P.backbone`), so readers
/// decode it unchanged. With a diagonal whitening LDLQ is round-to-nearest, but the factors are
/// still data-aware.
struct HessianCaldera {
    /// The backbone Q̂ as written under `P.backbone`.
    let backbone: EncodedMatrix
    /// The factors as written.
    let factors: EncodedFactors
    /// Q̂ + L̂R̂.
    let reconstruction: Matrix
    /// ‖(W − Ŵ)·S‖_F / ‖W·S‖_F of every iterate (its best candidate), in order; the kept one is the smallest.
    let iterateErrors: [Double]
    /// The kept iterate's output error (the smallest of ``iterateErrors``).
    let outputError: Double
    /// The k leading singular values of `W·S` and `Σ_{i>k} σᵢ²`, from the first iterate's data-aware
    /// truncation of W: all ``LayerEstimate`` needs of the whitened spectrum for this rank.
    let whitenedSpectrum: (leading: [Double], tailEnergy: Double)

    /// One candidate iterate.
    private struct Candidate {
        let backbone: EncodedMatrix
        let factors: EncodedFactors
        let reconstruction: Matrix
        let error: Double
    }

    /// Runs `iterations` (at least 1) alternations and keeps the iterate with the smallest output
    /// error; `quantizer` quantizes the backbone with `codebook` (``HessianQuantizer`` for
    /// `whitening`: scalar LDLQ, or block LDLQ for E8P; with ``HessianQuantizer/roundToNearest``
    /// only round-to-nearest backbones are tried).
    init(_ weight: Matrix, whitening: Whitening, quantizer: HessianQuantizer, rank: Int, module: String, factorBits: Int,
         backboneBits: Int, groupSize: Int, iterations: Int, factorType: DType, codebook: BackboneCodebook = .scalar) throws {
        let quantizers = quantizer.inverseFactor == nil ? [quantizer] : [quantizer, .roundToNearest]
        let prefix = FactorNaming.backbonePrefix(module: module)
        func encoded(_ truncation: Whitening.LeadingTruncation) throws -> EncodedFactors {
            try EncodedFactors(a: truncation.a, b: truncation.b, module: module, bits: factorBits, groupSize: groupSize, factorType: factorType)
        }
        let first = try whitening.leadingTruncation(of: weight, rank: rank, tailEnergy: true)
        let whitenedWeight = first.whitened  // W·S, whitened once
        whitenedSpectrum = (first.singularValues, first.tailEnergy ?? 0)
        var best: Candidate?
        var errors: [Double] = []
        var target = weight
        for iteration in 0..<max(iterations, 1) {
            let starts: [EncodedFactors]
            do {
                starts = iteration == 0
                    ? [try EncodedFactors(truncating: weight, rank: rank, module: module, bits: factorBits, groupSize: groupSize,
                                          factorType: factorType), try encoded(first)]
                    : [try encoded(whitening.leadingTruncation(of: target, rank: rank))]
            } catch CompressionError.unrepresentableScale where best != nil {
                break  // the alternation ran away (see ``Alternation``)
            }
            var chosen: Candidate?
            for factors in starts {
                for backboneQuantizer in quantizers {
                    let backbone: EncodedMatrix
                    do {
                        backbone = try backboneQuantizer.encodedBackbone(weight - factors.product, codebook: codebook, bits: backboneBits,
                                                                         groupSize: groupSize, prefix: prefix)
                    } catch CompressionError.unrepresentableScale where best != nil {
                        continue  // this start ran away (see ``Alternation``)
                    }
                    let reconstruction = backbone.readBack + factors.product
                    let error = try whitening.whiten(reconstruction).relativeDistance(to: whitenedWeight)
                    if chosen == nil || error < chosen!.error {
                        chosen = Candidate(backbone: backbone, factors: factors, reconstruction: reconstruction, error: error)
                    }
                }
            }
            guard let chosen else { break }
            errors.append(chosen.error)
            if best == nil || chosen.error < best!.error { best = chosen }
            if Alternation.hasDiverged(error: chosen.error, best: best!.error) { break }
            target = weight - chosen.backbone.readBack
        }
        backbone = best!.backbone
        factors = best!.factors
        reconstruction = best!.reconstruction
        outputError = best!.error
        iterateErrors = errors
    }
}
