/// A tensor to be written by ``SafeTensorsWriter``: name, element type and shape; the writer
/// decides where its bytes go.
public struct TensorSpec: Sendable, Equatable, Hashable {
    /// The tensor's name (any string except `__metadata__`).
    public var name: String
    /// The element type.
    public var dtype: DType
    /// The dimensions.
    public var shape: [Int]

    /// Creates a spec.
    public init(name: String, dtype: DType, shape: [Int]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
    }
}
