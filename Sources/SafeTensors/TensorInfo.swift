/// One tensor as described by a safetensors header.
///
/// `dataBegin` and `dataEnd` are byte offsets relative to the start of the data buffer (the
/// byte right after the header), exactly as in the header's `data_offsets`.
public struct TensorInfo: Sendable, Equatable, Hashable {
    /// The tensor's name, the header key.
    public let name: String
    /// The element type.
    public let dtype: DType
    /// The dimensions; `[]` is a scalar, a zero anywhere makes the tensor empty.
    public let shape: [Int]
    /// Offset of the first byte, relative to the data buffer.
    public let dataBegin: Int
    /// Offset one past the last byte, relative to the data buffer.
    public let dataEnd: Int
    /// The number of elements (product of the shape; 1 for a scalar).
    public let elementCount: Int
    /// The number of bytes (`elementCount × dtype.byteWidth`, also `dataEnd − dataBegin`).
    public let byteCount: Int

    /// Creates a tensor description laid out at `dataBegin`, or `nil` when a dimension is
    /// negative, the byte size overflows, or `dataBegin` is negative or too large.
    public init?(name: String, dtype: DType, shape: [Int], dataBegin: Int = 0) {
        guard dataBegin >= 0, let elements = TensorInfo.elementCount(of: shape) else { return nil }
        let (bytes, o1) = elements.multipliedReportingOverflow(by: dtype.byteWidth)
        guard !o1 else { return nil }
        let (end, o2) = dataBegin.addingReportingOverflow(bytes)
        guard !o2 else { return nil }
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.dataBegin = dataBegin
        self.dataEnd = end
        self.elementCount = elements
        self.byteCount = bytes
    }

    /// The product of `shape`, or `nil` when a dimension is negative or the product overflows.
    public static func elementCount(of shape: [Int]) -> Int? {
        var product = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            product = next
        }
        return product
    }

    /// True when the tensor is two-dimensional (a weight matrix).
    public var isMatrix: Bool { shape.count == 2 }

    /// Rows of a matrix (`shape[0]`), `nil` unless ``isMatrix``.
    public var rows: Int? { isMatrix ? shape[0] : nil }

    /// Columns of a matrix (`shape[1]`), `nil` unless ``isMatrix``.
    public var columns: Int? { isMatrix ? shape[1] : nil }
}
