/// What compressing one layer produced, as recorded in the job's journal and reported.
public struct LayerResult: Sendable, Equatable {
    /// The original weight's name.
    public let name: String
    /// ‖W − Ŵ‖_F / ‖W‖_F of what a reader reconstructs from the written tensors.
    public let measuredRelativeError: Double
    /// The plan's estimate of that error, nil when the spectrum was unknown.
    public let estimatedRelativeError: Double?
    /// Bytes of the tensors written for the layer (its bias excluded).
    public let bytesWritten: Int
    /// Seconds spent compressing it (reading the matrix included).
    public let seconds: Double
    /// True when this run found the layer finished in the journal instead of compressing it.
    public let resumed: Bool
}
