/// Sums of ``LayerEstimate`` figures over a set of tensors (the model, a block, a role).
///
/// Errors combine by energy: the group's relative error is √(Σε² / Σ‖W‖²) over the tensors whose
/// spectrum is known (big matrices weigh more); ``meanRelativeError`` is the plain per-tensor mean
/// over the same tensors, for those who prefer every layer to count alike.
public struct PlanFigures: Sendable, Equatable {
    /// Tensors summed.
    public var tensorCount = 0
    /// Parameters before.
    public var parametersBefore = 0
    /// Parameters after.
    public var parametersAfter = 0
    /// Bytes before.
    public var bytesBefore = 0
    /// Bytes after.
    public var bytesAfter = 0
    /// Bytes read per token before.
    public var bytesReadBefore = 0
    /// Bytes read per token after.
    public var bytesReadAfter = 0
    /// FLOPs per token before.
    public var flopsBefore = 0
    /// FLOPs per token after.
    public var flopsAfter = 0
    /// Σ‖W‖² over tensors with a known squared error.
    public var squaredNorm = 0.0
    /// Σε² over tensors with a known squared error.
    public var squaredError = 0.0
    /// Tensors whose error is unknown (no spectrum yet) although they are changed.
    public var unknownErrorCount = 0
    /// Tensors whose error comes from a partial estimate of their spectrum
    /// (``LayerEstimate/errorIsUpperBound``): the sums are then upper bounds, not exact figures.
    public var estimatedErrorCount = 0
    /// Σ relative error over tensors with a known squared error.
    public var relativeErrorSum = 0.0
    /// Tensors with a known squared error.
    public var relativeErrorCount = 0

    /// Nothing summed yet.
    public init() {}

    /// Adds one estimate.
    public mutating func add(_ estimate: LayerEstimate) {
        tensorCount += 1
        parametersBefore += estimate.parametersBefore
        parametersAfter += estimate.parametersAfter
        bytesBefore += estimate.bytesBefore
        bytesAfter += estimate.bytesAfter
        bytesReadBefore += estimate.bytesReadBefore
        bytesReadAfter += estimate.bytesReadAfter
        flopsBefore += estimate.flopsBefore
        flopsAfter += estimate.flopsAfter
        if let error = estimate.squaredError, let norm = estimate.squaredNorm {
            squaredError += error
            squaredNorm += norm
            if estimate.errorIsUpperBound { estimatedErrorCount += 1 }
            if let relative = estimate.relativeError {
                relativeErrorSum += relative
                relativeErrorCount += 1
            }
        } else if estimate.choice.changesStoredTensor {
            unknownErrorCount += 1
        }
    }

    /// √(Σε² / Σ‖W‖²) (0 when nothing is known).
    public var relativeError: Double { squaredNorm > 0 ? (squaredError / squaredNorm).squareRoot() : 0 }
    /// Mean of the per-tensor relative errors.
    public var meanRelativeError: Double { relativeErrorCount > 0 ? relativeErrorSum / Double(relativeErrorCount) : 0 }
    /// Bytes after · 8 / parameters before.
    public var bitsPerWeight: Double { parametersBefore > 0 ? Double(bytesAfter) * 8 / Double(parametersBefore) : 0 }
    /// Bytes read before / after.
    public var memoryBoundSpeedup: Double { LayerEstimate.ratio(bytesReadBefore, bytesReadAfter) }
    /// FLOPs before / after.
    public var computeBoundSpeedup: Double { LayerEstimate.ratio(flopsBefore, flopsAfter) }
}
