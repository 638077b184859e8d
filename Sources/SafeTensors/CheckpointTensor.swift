/// A tensor of a ``Checkpoint``: its header description and which of the checkpoint's files
/// holds it.
public struct CheckpointTensor: Sendable, Equatable, Hashable {
    /// The tensor as described by its file's header.
    public let info: TensorInfo
    /// The index into ``Checkpoint/files`` of the file holding the tensor.
    public let fileIndex: Int
    /// How the tensor is stored, for a ``CheckpointSource`` in another format (GGUF); `nil` for
    /// safetensors, where ``info`` is the stored form.
    public let stored: StoredEncoding?

    /// Creates a reference to a tensor in file `fileIndex`.
    public init(info: TensorInfo, fileIndex: Int, stored: StoredEncoding? = nil) {
        self.info = info
        self.fileIndex = fileIndex
        self.stored = stored
    }

    /// The bytes the tensor occupies on disk (a GGUF tensor's real, quantized size).
    public var byteCount: Int { stored?.byteCount ?? info.byteCount }

    /// Storage bits per weight: the dtype's width, or the other format's (4.5 for Q4_K, scales included).
    public var bitsPerWeight: Double { stored?.bitsPerWeight ?? Double(info.dtype.byteWidth * 8) }

    /// The stored type's name: the safetensors dtype, or the other format's type (`Q4_K`).
    public var typeName: String { stored?.typeName ?? info.dtype.rawValue }

    /// The tensor's name.
    public var name: String { info.name }
}
