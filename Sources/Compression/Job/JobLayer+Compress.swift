import LinearAlgebra
import Planning
import SafeTensors

extension JobLayer {
    /// Reads this layer's weight from `checkpoint` and compresses it as `rankscope compress` does:
    /// data-aware (``DataAwareLayer``) when `settings` has statistics for it, else by
    /// ``MatrixCompressor``. Returns the tensors to write and, with statistics, the measured output error.
    /// The one per-layer step of ``CompressionJob`` and ``InMemoryCompression``.
    ///
    /// - Throws: ``JobError/layerFailed(checkpoint:tensor:reason:)`` naming the checkpoint and the
    ///   tensor; `LinearAlgebraError.cancelled` when `isCancelled` turns true while reading.
    func compress(from checkpoint: Checkpoint, settings: LayerCompressionSettings,
                  isCancelled: @escaping () -> Bool) throws -> (compressed: CompressedMatrix, outputError: Double?) {
        let info = tensor.info
        let options = CompressionOptions(factorType: settings.outputType(forStored: info.dtype),
                                         calderaIterations: settings.calderaIterations, materializeDense: settings.materializeDense,
                                         incoherenceSeed: settings.incoherenceSeed(module: module, choice: choice),
                                         backboneCodebook: settings.codebook(for: choice))
        let result: (compressed: CompressedMatrix, outputError: Double?)
        do {
            // Under `ulimit -v`, a layer that cannot fit is a sentence naming the limit, not
            // "Fatal error: failed to allocate" from deep inside the factorization.
            try AddressSpace.requireHeadroom(bytes: Double(CompressionJob.memoryNeeded(rows: rows, columns: columns)),
                                             for: "Compressing the \(rows)×\(columns) layer")
            let weight = try checkpoint.withBytes(of: tensor) { bytes -> Matrix in
                guard let base = bytes.baseAddress, let format = ScalarFormat(info.dtype) else {
                    throw JobError.notCompressible(checkpoint: checkpoint.path, tensor: name, reason: "its data cannot be read as a matrix")
                }
                let source = MatrixSource(base: base, rows: rows, columns: columns, format: format)
                return try Matrix(source, isCancelled: isCancelled)
            }
            if let statistics = settings.statistics, statistics.hasStatistics(forWeight: name) {
                result = try DataAwareLayer.compress(weight, layer: self, options: options,
                                                     whitening: statistics.whitening(forWeight: name))
            } else {
                result = (try MatrixCompressor.compress(weight: weight, name: name, choice: choice, options: options,
                                                        singularValues: singularValues), nil)
            }
        } catch let error as ActivationStatisticsError {
            throw JobError.layerFailed(checkpoint: checkpoint.path, tensor: name, reason: error.description)
        } catch let error as LinearAlgebraError where error != .cancelled {
            throw JobError.layerFailed(checkpoint: checkpoint.path, tensor: name, reason: error.description)
        } catch let error as CompressionError {
            throw JobError.layerFailed(checkpoint: checkpoint.path, tensor: name, reason: error.description)
        }
        // Values far beyond F32 (F64 weights near 1e200, statistics near 1e300) can leave
        // infinite or NaN factors: refuse them rather than write them with a "NaN" error.
        guard result.compressed.measuredRelativeError.isFinite, result.outputError?.isFinite ?? true else {
            throw JobError.layerFailed(checkpoint: checkpoint.path, tensor: name,
                                       reason: "its compressed form is not finite (measured error \(result.compressed.measuredRelativeError)"
                                           + (result.outputError.map { ", output error \($0)" } ?? "") + "); its values or statistics are too large for the output type")
        }
        return result
    }
}
