/// A tensor of a ``Checkpoint``: its header description and which of the checkpoint's files
/// holds it.
public struct CheckpointTensor: Sendable, Equatable, Hashable {
    /// The tensor as described by its file's header.
    public let info: TensorInfo
    /// The index into ``Checkpoint/files`` of the file holding the tensor.
    public let fileIndex: Int

    /// Creates a reference to a tensor in file `fileIndex`.
    public init(info: TensorInfo, fileIndex: Int) {
        self.info = info
        self.fileIndex = fileIndex
    }

    /// The tensor's name.
    public var name: String { info.name }
}
