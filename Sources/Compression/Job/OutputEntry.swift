import SafeTensors

/// One tensor of the output checkpoint and where its bytes come from.
struct OutputEntry {
    /// Where the bytes are read from.
    enum Source {
        /// An input tensor copied byte for byte (possibly renamed, as a factorized layer's bias).
        case input(CheckpointTensor)
        /// A tensor of a finished layer's journal file.
        case journal(path: String, info: TensorInfo)
        /// A tensor not written yet, only sized (``OutputForecast``).
        case planned
    }

    /// The output name.
    let name: String
    /// The element type.
    let dtype: DType
    /// The shape.
    let shape: [Int]
    /// Bytes of data.
    let byteCount: Int
    /// Where the bytes come from.
    let source: Source

    /// The writer's description of the tensor.
    var spec: TensorSpec { TensorSpec(name: name, dtype: dtype, shape: shape) }
}
