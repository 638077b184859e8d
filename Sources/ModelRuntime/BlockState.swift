/// The residual stream of a batch of sequences as one block begins: what a forward pass needs to
/// run again from that block on when only later layers change (a sensitivity probe truncates one
/// matrix and reuses the unchanged prefix of blocks).
///
/// Block `layers` (one past the last) is the stream after the last block, before any final norm:
/// from there only the final norm and the output head (or pooling) run.
public struct BlockState: Sendable {
    /// The block that starts from this state.
    public let block: Int
    /// `rows × hidden` values, row-major.
    public let values: [Float]

    /// A state of block `block`.
    public init(block: Int, values: [Float]) {
        self.block = block
        self.values = values
    }

    /// Copies the state into `buffer`; the state must be of the same `rows × width` batch.
    func restore(into buffer: FloatBuffer, rows: Int, width: Int) {
        precondition(values.count == rows * width, "a BlockState is reused only for the batch it was taken from")
        values.withUnsafeBufferPointer { buffer.pointer.update(from: $0.baseAddress!, count: values.count) }
    }
}
