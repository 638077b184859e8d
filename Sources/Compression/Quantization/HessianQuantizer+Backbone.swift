import LinearAlgebra
import Planning

extension HessianQuantizer {
    /// A CALDERA backbone `target` quantized with `codebook` and encoded under `prefix`: scalar
    /// groups at `bits` (``quantize(_:bits:groupSize:)``, `P.backbone.{qweight,scales,zeros}`) or
    /// E8P at `bits` (``quantizeE8P(_:bits:)``, `P.backbone.{e8p,e8p_scales}` and at 3/4 bits
    /// `P.backbone.{e8p_residual,e8p_residual_scales}`). LDLQ when this quantizer has a
    /// Hessian, round-to-nearest otherwise: the one place plain ``Caldera`` and ``HessianCaldera``
    /// turn a backbone into tensors.
    ///
    /// - Throws: ``CompressionError/unrepresentableScale(_:)`` when a scalar group's range
    ///   overflows F16, ``LinearAlgebraError`` when a block product fails.
    func encodedBackbone(_ target: Matrix, codebook: BackboneCodebook, bits: Int, groupSize: Int, prefix: String) throws -> EncodedMatrix {
        switch codebook {
        case .scalar: return EncodedMatrix(try quantize(target, bits: bits, groupSize: groupSize), prefix: prefix, transposed: false)
        case .e8p: return EncodedMatrix(try quantizeE8P(target, bits: bits), prefix: prefix)
        }
    }
}
