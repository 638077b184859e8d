import LinearAlgebra

/// A CALDERA layer `W ≈ Uᵀ·(Q + A·B)·V` as a runtime multiplies by it without forming W: the
/// backbone Q packed as stored (``PackedBackbone``), the factors A (m×k) and B (k×n) decoded to
/// Float as for any factored layer, and the layer's incoherence seed (``Incoherence``; nil without
/// incoherence processing, where U and V are the identity).
///
/// ``LayerDecoder`` gives it when asked for packed backbones (``CompressedFolder/read(_:packedBackbones:)``,
/// ``InMemoryCompression``); otherwise a CALDERA layer is ``DecodedLinear/caldera(backbone:a:b:bias:)``
/// with Q in Float, or a dense Ŵ under incoherence processing.
public struct PackedCaldera: Sendable, Equatable {
    /// Q, m×n.
    public let backbone: PackedBackbone
    /// A, m×k.
    public let a: DecodedMatrix
    /// B, k×n.
    public let b: DecodedMatrix
    /// The layer's `incoherence_seed`, nil for a layer stored as it is.
    public let incoherenceSeed: UInt64?

    /// Wraps the parts (shapes must agree).
    public init(backbone: PackedBackbone, a: DecodedMatrix, b: DecodedMatrix, incoherenceSeed: UInt64?) {
        precondition(a.rows == backbone.rows && b.columns == backbone.columns && a.columns == b.rows,
                     "a \(backbone.rows)×\(backbone.columns) backbone with factors \(a.rows)×\(a.columns) and \(b.rows)×\(b.columns)")
        self.backbone = backbone
        self.a = a
        self.b = b
        self.incoherenceSeed = incoherenceSeed
    }

    /// U (m) and V (n) of the seed, nil without incoherence processing.
    public var incoherence: Incoherence? {
        incoherenceSeed.map { Incoherence(seed: $0, rows: backbone.rows, columns: backbone.columns) }
    }

    /// `Uᵀ·(Q + A·B)·V` in double from the Float factors a runtime multiplies by (the dense reader
    /// forms it from the factors' values in double, so the two differ by the factors' rounding to Float).
    public func reconstruction() throws -> Matrix {
        let sum = try backbone.dequantized() + a.widened.multiplied(by: b.widened)
        return incoherence.map { $0.unrotated(sum) } ?? sum
    }
}
