import LinearAlgebra
import Planning
import SafeTensors

/// A compressed matrix: the tensors replacing it and what was measured.
public struct CompressedMatrix: Sendable {
    /// The tensors replacing the original weight, e.g. `P.0.weight` and `P.1.weight`, plus the
    /// codes/scales/zeros tensors of quantized factors and the CALDERA backbone.
    public let tensors: [OutputTensor]
    /// ‖W − Ŵ‖_F / ‖W‖_F, with Ŵ exactly what a reader reconstructs from the written bytes, in
    /// double precision (0 for a zero matrix reconstructed exactly).
    public let measuredRelativeError: Double
    /// The plan's ``LayerEstimate`` figure for the same choice, from the matrix's exact spectrum
    /// (nil if no spectrum is known).
    public let estimatedRelativeError: Double?
    /// How to decode each quantized matrix among `tensors` (empty when nothing is quantized); the
    /// layout is ``QuantizedLayout``'s.
    public let quantizedTensors: [QuantizedTensorDescription]
    /// For CALDERA, the measured relative error of every iterate in order (the kept one is the
    /// smallest); empty otherwise.
    public let iterateErrors: [Double]

    /// Wraps the results of one compression.
    public init(tensors: [OutputTensor], measuredRelativeError: Double, estimatedRelativeError: Double?,
                quantizedTensors: [QuantizedTensorDescription] = [], iterateErrors: [Double] = []) {
        self.tensors = tensors
        self.measuredRelativeError = measuredRelativeError
        self.estimatedRelativeError = estimatedRelativeError
        self.quantizedTensors = quantizedTensors
        self.iterateErrors = iterateErrors
    }

    /// Total bytes of all tensors.
    public var byteCount: Int { tensors.reduce(0) { $0 + $1.bytes.count } }
}

/// How ``MatrixCompressor`` writes its output.
public struct CompressionOptions: Sendable {
    /// The dtype of 16-bit (unquantized) outputs: `.BF16`, `.F16` or `.F32`.
    public var factorType: DType = .BF16
    /// CALDERA alternations (at least 1); the best iterate by measured error is kept.
    public var calderaIterations: Int = 10
    /// Seed for anything random (reserved; the current algorithms are deterministic).
    public var seed: UInt64 = 0
    /// Write `Ŵ` as one dense `P.weight` (at `factorType`) instead of factors, so any tool can
    /// evaluate the compressed model unchanged.
    public var materializeDense: Bool = false
    /// CALDERA layers only: the seed of their incoherence processing (randomized Hadamard
    /// transforms on both sides of W before quantization, undone on reading; `compress
    /// --incoherence`), nil for none. The seed is the one written as the layer's
    /// `incoherence_seed` in `config.json`.
    public var incoherenceSeed: UInt64? = nil
    /// How CALDERA backbones are quantized (`compress --e8p`).
    public var backboneCodebook: BackboneCodebook = .scalar

    /// The defaults: BF16 factors, 10 CALDERA iterations, seed 0, factors not materialised, no incoherence processing.
    public init(factorType: DType = .BF16, calderaIterations: Int = 10, seed: UInt64 = 0, materializeDense: Bool = false,
                incoherenceSeed: UInt64? = nil, backboneCodebook: BackboneCodebook = .scalar) {
        self.factorType = factorType
        self.calderaIterations = calderaIterations
        self.seed = seed
        self.materializeDense = materializeDense
        self.incoherenceSeed = incoherenceSeed
        self.backboneCodebook = backboneCodebook
    }
}

extension CompressionOptions {
    /// `choice` as these options write it: a CALDERA choice takes ``backboneCodebook`` when that is
    /// E8P (`compress --e8p` on a plan with scalar backbones), so that its validation (a
    /// multiple of 8 columns) and estimate (``Planning/LayerEstimate``) are those of the layer written.
    func resolved(_ choice: LayerChoice) -> LayerChoice {
        guard backboneCodebook == .e8p, case let .lowRank(rank, factorBits, groupSize, backboneBits?, _) = choice else { return choice }
        return .lowRank(rank: rank, factorBits: factorBits, groupSize: groupSize, backboneBits: backboneBits, codebook: .e8p)
    }

    /// The codebook the backbone of `choice` is written with (``resolved(_:)``'s); scalar without a backbone.
    func backboneCodebook(for choice: LayerChoice) -> BackboneCodebook {
        guard case let .lowRank(_, _, _, _?, codebook) = resolved(choice) else { return .scalar }
        return codebook
    }
}

/// Compresses one matrix as a ``LayerChoice`` says.
///
/// **What is written** for a weight `P.weight` (m×n), names from ``FactorNaming`` and
/// ``QuantizedLayout``:
/// - `.lowRank(k)` at 16 bits: `P.0.weight` = B = √Σ_k·V_kᵀ [k, n] and `P.1.weight` = A = U_k·√Σ_k [m, k]
///   at `options.factorType` (``TruncatedSVD``);
/// - factors below 16 bits: `P.0.{qweight,scales,zeros}` (B) and `P.1.{qweight,scales,zeros}` (Aᵀ);
/// - CALDERA (`backboneBits` set): the factors plus `P.backbone.{qweight,scales,zeros}` (``Caldera``);
/// - `.dense(bits)`: `P.weight` at `factorType` (16 bits, or `bits == nil`) or `P.{qweight,scales,zeros}`;
/// - with `materializeDense`: only `P.weight` [m, n] = Ŵ at `factorType`.
///
/// With 16-bit factors stored at BF16/F16 and any quantized part, the bytes written equal
/// ``LayerEstimate/bytesAfter`` exactly (F32 factors, only on request, take twice the plan's 16-bit
/// count; `compress` picks 16-bit types by ``Planning/UnquantizedType``).
///
/// **Measured vs estimated error.** `measuredRelativeError` is ‖W − Ŵ‖_F/‖W‖_F for Ŵ decoded
/// from the bytes written (factor rounding to BF16/F16 included). `estimatedRelativeError` is
/// ``LayerEstimate/relativeError`` with the exact spectrum. Tolerances on measured/estimate, found
/// on a grid of Gaussian, decaying and low-rank-plus-noise matrices (70×100 to 512×1376, 2–8 bits,
/// groups 16…128) and asserted on both sides by `ErrorModelGridTests`, `ErrorModelToleranceTests`
/// and `CalderaTests`:
/// - unquantized factors (F32): measured = √(Σ_{i>k}σᵢ²)/‖W‖ to 1e-4 (the estimate is exact);
/// - dense quantized, LoRD with quantized factors, and CALDERA's first iterate: 0.98…1.03 on
///   Gaussian and decaying spectra from 256×256 (seen 0.983…1.017); 0.93…1.08 on
///   low-rank-plus-noise matrices, whose rows mix a few shared patterns so that groups are not
///   independent draws (seen 0.947…1.064; it moves with the seed); 0.97…1.10 on small matrices
///   (70×100) with groups of 16–32 (seen 1.000…1.091);
/// - CALDERA keeps its best iterate, so the estimate (the first iterate) is an upper estimate:
///   after two iterations at rank 16 of 256, 0.90…0.97 × the estimate with 16-bit factors (seen
///   0.933…0.952) and from 0.93 × up to the first iterate's band with quantized factors (seen
///   0.947…0.982); at rank 64, 0.78…0.90 × with 16-bit factors (seen 0.823…0.852), and more
///   iterations lower it further.
public enum MatrixCompressor {
    /// Compresses `weight` (the m×n matrix of the tensor named `name`, e.g.
    /// `"model.layers.0.mlp.up_proj.weight"`) as `choice` says.
    ///
    /// - Throws: ``CompressionError`` for a name without `.weight`, an impossible choice or an
    ///   unsupported output type; ``LinearAlgebraError`` when LAPACK fails.
    public static func compress(weight: Matrix, name: String, choice: LayerChoice, options: CompressionOptions) throws -> CompressedMatrix {
        try compress(weight: weight, name: name, choice: choice, options: options, singularValues: nil)
    }

    /// As ``compress(weight:name:choice:options:)``, with the matrix's singular values (descending,
    /// all min(m, n) of them) when already known, e.g. from the spectrum cache; nil computes them
    /// (eigenvalues of the smaller Gram matrix) for the estimate of a low-rank choice.
    public static func compress(weight: Matrix, name: String, choice: LayerChoice, options: CompressionOptions,
                                singularValues: [Double]?) throws -> CompressedMatrix {
        try CompressionPipeline(weight: weight, name: name, choice: choice, options: options,
                                singularValues: singularValues).run()
    }

    /// As ``compress(weight:name:choice:options:singularValues:)`` for a tensor still in its
    /// (memory-mapped) file: converts it to double first (``LinearAlgebra/Matrix/init(_:isCancelled:)``,
    /// 8·m·n bytes), checking `isCancelled` every few rows of the conversion.
    public static func compress(source: MatrixSource, name: String, choice: LayerChoice, options: CompressionOptions,
                                singularValues: [Double]? = nil, isCancelled: () -> Bool = { false }) throws -> CompressedMatrix {
        try compress(weight: Matrix(source, isCancelled: isCancelled), name: name, choice: choice, options: options,
                     singularValues: singularValues)
    }
}
