/// One tensor as a GGUF file describes it.
///
/// GGUF lists dimensions fastest first (`ne[0]` is the length of a row), the reverse of numpy
/// and Hugging Face: a `[out, in]` PyTorch weight is stored with `dimensions == [in, out]`.
/// ``shape`` gives the numpy order. The offset is relative to the start of the data section.
public struct GGUFTensorInfo: Sendable, Equatable, Hashable {
    /// The tensor's name as stored, e.g. `blk.0.attn_q.weight`.
    public let name: String
    /// The dimensions as stored, fastest first (ggml's `ne`).
    public let dimensions: [Int]
    /// The ggml type of the data.
    public let type: GGMLType
    /// The byte offset of the data, relative to the data section.
    public let offset: Int
    /// The number of elements.
    public let elementCount: Int
    /// The number of bytes the data occupies.
    public let byteCount: Int

    /// The shape in numpy / Hugging Face order (slowest first): `dimensions` reversed.
    public var shape: [Int] { dimensions.reversed() }

    /// Elements in one row (`ne[0]`), the unit blocks are laid out along.
    public var rowLength: Int { dimensions.first ?? 1 }

    /// The number of rows: the product of every dimension but the first.
    public var rowCount: Int { rowLength == 0 ? 0 : elementCount / rowLength }

    /// Bytes of one row.
    public var rowBytes: Int { rowLength / type.blockSize * type.blockBytes }
}
