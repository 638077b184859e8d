import SafeTensors

/// Where a decoder finds a layer's tensors by name: the tensors a compression just produced, or a
/// checkpoint (the compressed output folder, or the input for a bias).
protocol DecodingSource {
    /// The dtype and shape of the tensor `name`, nil when there is none.
    func info(of name: String) -> (dtype: DType, shape: [Int])?
    /// Calls `body` with the little-endian bytes of the tensor `name` (which ``info(of:)`` found).
    func withBytes<R>(of name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R
    /// The file to name in a message about the tensor `name`.
    func file(of name: String) -> String
}

/// The tensors of one ``CompressedMatrix``, in memory.
struct OutputTensorSource: DecodingSource {
    let tensors: [String: OutputTensor]
    /// What to name in messages (the input checkpoint they were computed from).
    let label: String

    init(_ tensors: [OutputTensor], label: String) {
        self.tensors = Dictionary(tensors.map { ($0.name, $0) }) { first, _ in first }
        self.label = label
    }

    func info(of name: String) -> (dtype: DType, shape: [Int])? { tensors[name].map { ($0.dtype, $0.shape) } }

    func withBytes<R>(of name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        try tensors[name]!.bytes.withUnsafeBytes(body)
    }

    func file(of name: String) -> String { label }
}

/// The tensors of a checkpoint, memory-mapped.
struct CheckpointSource: DecodingSource {
    let checkpoint: Checkpoint

    func info(of name: String) -> (dtype: DType, shape: [Int])? {
        checkpoint.tensor(named: name).map { ($0.info.dtype, $0.info.shape) }
    }

    func withBytes<R>(of name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        try checkpoint.withBytes(of: checkpoint.tensor(named: name)!, body)
    }

    func file(of name: String) -> String {
        checkpoint.tensor(named: name).flatMap { checkpoint.file(of: $0)?.path } ?? checkpoint.path
    }
}
