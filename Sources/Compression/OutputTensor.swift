import SafeTensors

/// One tensor of the output checkpoint: its name, safetensors dtype, shape and little-endian bytes,
/// ready to hand to a safetensors writer.
public struct OutputTensor: Sendable, Equatable {
    /// The tensor's name in the output checkpoint (see ``FactorNaming``).
    public let name: String
    /// The element type.
    public let dtype: DType
    /// The shape.
    public let shape: [Int]
    /// The raw little-endian bytes: `shape.product · dtype.byteWidth` of them.
    public let bytes: [UInt8]

    /// Wraps a tensor's bytes.
    public init(name: String, dtype: DType, shape: [Int], bytes: [UInt8]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }
}
