/// How a quantized matrix is written to the output checkpoint (docs/compression.md's
/// "Quantized tensor layout" section says the same).
///
/// A quantized matrix X (R rows × C columns, bits b ∈ {2, 3, 4, 8}, group size g) under the name
/// prefix `p` is three tensors:
/// - `p.qweight`: U8, shape `[⌈R·C·b/8⌉]`: the codes of X in row-major order as one little-endian
///   bitstream (code i in stream bits i·b … i·b+b−1, least significant bit first; stream bit t
///   is bit t mod 8 of byte ⌊t/8⌋; no padding between rows; see ``BitPacking``);
/// - `p.scales`: F16 or BF16 (``ScaleFormat``, per matrix), shape `[R, ⌈C/g⌉]`: one scale s per group;
/// - `p.zeros`: F16, shape `[R, ⌈C/g⌉]`: one zero point z per group.
///
/// Groups are g consecutive elements along a row (the last group of a row holds C mod g elements
/// when g does not divide C). A code q of a group (s, z) reads back as `x̂ = (q − z)·s`.
/// The bytes are exactly ``Planning/GroupQuantization``'s count: ⌈R·C·b/8⌉ + 4·R·⌈C/g⌉.
///
/// Which matrix X is, for a linear `P.weight` W (m×n) (names from ``FactorNaming``):
/// - **first factor** `P.0` (B, k×n): X = B, R = k, C = n;
/// - **second factor** `P.1` (A, m×k): X = **Aᵀ**, R = k, C = m: A is grouped down its columns,
///   so each rank-one component has its own scales; the reader transposes after dequantizing;
/// - **CALDERA backbone** `P.backbone` (Q, m×n): X = Q, R = m, C = n;
/// - **dense** `P` quantized as a whole: X = W, R = m, C = n (`P.qweight`, `P.scales`, `P.zeros`).
///
/// R, C, b and g are not stored in the tensors: they are the layer's shape, rank and bit widths
/// from the plan (the output's `config.json`), and ``CompressedMatrix/quantizedTensors`` lists
/// them. Unquantized (16-bit) factors are plain `P.0.weight` [k, n] and `P.1.weight` [m, k].
public enum QuantizedLayout {
    /// `p.qweight`: the packed codes.
    public static func codesName(prefix: String) -> String { "\(prefix).qweight" }
    /// `p.scales`: the F16 or BF16 scales.
    public static func scalesName(prefix: String) -> String { "\(prefix).scales" }
    /// `p.zeros`: the F16 zero points.
    public static func zerosName(prefix: String) -> String { "\(prefix).zeros" }
}

/// The description a reader needs to decode one quantized matrix of the output.
public struct QuantizedTensorDescription: Sendable, Equatable {
    /// The name prefix `p` of `p.qweight`, `p.scales`, `p.zeros`.
    public let prefix: String
    /// Rows R of the stored matrix X.
    public let rows: Int
    /// Columns C of the stored matrix X.
    public let columns: Int
    /// Bits per code.
    public let bits: Int
    /// Group size along a row.
    public let groupSize: Int
    /// True when X is the transpose of the weight it stands for (the second factor A).
    public let transposed: Bool

    /// Describes a quantized matrix.
    public init(prefix: String, rows: Int, columns: Int, bits: Int, groupSize: Int, transposed: Bool) {
        self.prefix = prefix
        self.rows = rows
        self.columns = columns
        self.bits = bits
        self.groupSize = groupSize
        self.transposed = transposed
    }
}
