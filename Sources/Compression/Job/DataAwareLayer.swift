import LinearAlgebra
import Planning

/// How a job compresses one layer that has activation statistics (`--stats`), and the output
/// error ‖(W − Ŵ)·S‖/‖W·S‖ (``Whitening``) of what it wrote.
///
/// - Low-rank choices (CALDERA included) go to ``DataAwareCompressor``, which minimises the
///   output error instead of the weight error; with ``CompressionOptions/materializeDense`` the
///   factors' product is then written as one `P.weight`, as ``MatrixCompressor`` does.
/// - Dense choices do not depend on the data: ``MatrixCompressor`` writes them as without
///   statistics, and their output error is measured on the decoded output (``LayerReadBack``).
enum DataAwareLayer {
    /// The tensors and figures of `layer` (its weight `weight`), and its measured output error.
    static func compress(_ weight: Matrix, layer: JobLayer, options: CompressionOptions,
                         whitening: Whitening) throws -> (compressed: CompressedMatrix, outputError: Double) {
        guard case .lowRank = layer.choice else {
            let compressed = try MatrixCompressor.compress(weight: weight, name: layer.name, choice: layer.choice, options: options,
                                                           singularValues: layer.singularValues)
            let readBack = try LayerReadBack.matrix(of: compressed, module: layer.module)
            return (compressed, try DataAwareCompressor.outputError(weight, readBack, whitening))
        }
        var factorOptions = options
        factorOptions.materializeDense = false
        let result = try DataAwareCompressor.compress(weight: weight, name: layer.name, choice: layer.choice, whitening: whitening,
                                                      options: factorOptions, singularValues: layer.singularValues)
        guard options.materializeDense else { return (result.compressed, result.measuredOutputError) }
        let product = try LayerReadBack.matrix(of: result.compressed, module: layer.module)
        let dense = try EncodedMatrix(product, prefix: layer.module, bits: 16, groupSize: 1, groupDownColumns: false,
                                      factorType: options.factorType)
        let compressed = CompressedMatrix(tensors: dense.tensors, measuredRelativeError: dense.readBack.relativeDistance(to: weight),
                                          estimatedRelativeError: result.compressed.estimatedRelativeError,
                                          iterateErrors: result.compressed.iterateErrors)
        return (compressed, try DataAwareCompressor.outputError(weight, dense.readBack, whitening))
    }
}
