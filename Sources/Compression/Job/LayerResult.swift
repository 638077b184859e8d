import Planning

/// What compressing one layer produced, as recorded in the job's journal and reported.
public struct LayerResult: Sendable, Equatable {
    /// The original weight's name.
    public let name: String
    /// ‖W − Ŵ‖_F / ‖W‖_F of what a reader reconstructs from the written tensors.
    public let measuredRelativeError: Double
    /// The plan's estimate, nil when the spectrum was unknown: of the weight error, or under
    /// ``JobSettings/statistics`` of a low-rank layer's output error (from its data-aware spectrum).
    public let estimatedRelativeError: Double?
    /// ‖(W − Ŵ)·S‖_F / ‖W·S‖_F (``Whitening``), the relative output error on the statistics'
    /// inputs, of what a reader reconstructs; nil when the job had no statistics for the layer.
    public let measuredOutputError: Double?
    /// Bytes of the tensors written for the layer (its bias excluded).
    public let bytesWritten: Int
    /// Seconds spent compressing it (reading the matrix included).
    public let seconds: Double
    /// True when this run found the layer finished in the journal instead of compressing it.
    public let resumed: Bool

    /// The ``Planning/EstimateCheck`` warning when the measured error (the smaller of the weight
    /// and output errors, so the estimate's kind never alarms by itself) is far above the estimate.
    public var estimateWarning: String? {
        EstimateCheck.warning(layer: name, measured: min(measuredRelativeError, measuredOutputError ?? measuredRelativeError),
                              estimate: estimatedRelativeError)
    }

    /// A result; `measuredOutputError` is nil for a job without statistics.
    public init(name: String, measuredRelativeError: Double, estimatedRelativeError: Double?, measuredOutputError: Double? = nil,
                bytesWritten: Int, seconds: Double, resumed: Bool) {
        self.name = name
        self.measuredRelativeError = measuredRelativeError
        self.estimatedRelativeError = estimatedRelativeError
        self.measuredOutputError = measuredOutputError
        self.bytesWritten = bytesWritten
        self.seconds = seconds
        self.resumed = resumed
    }
}
