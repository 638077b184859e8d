/// How a CALDERA backbone Q is quantized.
public enum BackboneCodebook: String, Sendable {
    /// Round-to-nearest groups at the plan's backbone bits (``QuantizedMatrix``; LDLQ with
    /// statistics), written as `P.backbone.{qweight,scales,zeros}`.
    case scalar
    /// QuIP#'s 2-bit E8P lattice (``E8PCodebook``), one F16 scale per row (``E8PMatrix``), 2 bits
    /// per weight whatever the plan's backbone bits, written as `P.backbone.{e8p,e8p_scales}` with
    /// `"backbone_codebook": "e8p"` in the layer's config entry. Not with statistics (no LDLQ for it yet).
    case e8p
}
