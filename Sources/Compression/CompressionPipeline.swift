import LinearAlgebra
import Planning
import SafeTensors

/// One run of ``MatrixCompressor``: validates the request, encodes the choice, measures the
/// reconstruction a reader gets, and asks ``LayerEstimate`` for the plan's figure.
struct CompressionPipeline {
    let weight: Matrix
    let name: String
    let choice: LayerChoice
    let options: CompressionOptions
    let singularValues: [Double]?

    /// What was encoded before the optional dense materialisation.
    private struct Encoding {
        var parts: [EncodedMatrix]
        var reconstruction: Matrix
        var iterateErrors: [Double] = []
    }

    func run() throws -> CompressedMatrix {
        guard let module = FactorNaming.modulePath(ofWeight: name) else { throw CompressionError.notAWeightName(name) }
        do {
            try options.resolved(choice).validate(tensor: name, rows: weight.rows, columns: weight.columns)
        } catch {
            throw CompressionError.invalidChoice(tensor: name, reason: "\(error)")
        }
        guard [DType.BF16, .F16, .F32].contains(options.factorType) else {
            throw CompressionError.unsupportedOutputType(options.factorType.rawValue)
        }
        let encoding = try encode(module: module)
        var parts = encoding.parts
        var reconstruction = encoding.reconstruction
        if options.materializeDense {
            let dense = try EncodedMatrix(reconstruction, prefix: module, bits: 16, groupSize: 1,
                                          groupDownColumns: false, factorType: options.factorType)
            parts = [dense]
            reconstruction = dense.readBack
        }
        return CompressedMatrix(tensors: parts.flatMap(\.tensors),
                                measuredRelativeError: reconstruction.relativeDistance(to: weight),
                                estimatedRelativeError: try estimate(),
                                quantizedTensors: parts.compactMap(\.description),
                                iterateErrors: encoding.iterateErrors)
    }

    private func encode(module: String) throws -> Encoding {
        switch choice {
        case let .dense(bits, groupSize):
            let dense = try EncodedMatrix(weight, prefix: module, bits: bits ?? 16, groupSize: groupSize,
                                          groupDownColumns: false, factorType: options.factorType)
            return Encoding(parts: [dense], reconstruction: dense.readBack)
        case let .lowRank(rank, factorBits, groupSize, nil, _):
            let factors = try EncodedFactors(truncating: weight, rank: rank, module: module, bits: factorBits,
                                             groupSize: groupSize, factorType: options.factorType)
            return Encoding(parts: [factors.first, factors.second], reconstruction: factors.product)
        case let .lowRank(rank, factorBits, groupSize, backboneBits?, _):
            // With incoherence processing CALDERA runs on U·W·Vᵀ and the reader's Ŵ is Uᵀ·Ŵ'·V;
            // Frobenius errors are unchanged by the rotation, so the iterates' errors are W's.
            let incoherence = options.incoherenceSeed.map { Incoherence(seed: $0, rows: weight.rows, columns: weight.columns) }
            let caldera = try Caldera(incoherence?.rotated(weight) ?? weight, rank: rank, module: module, factorBits: factorBits,
                                      backboneBits: backboneBits, groupSize: groupSize, iterations: options.calderaIterations,
                                      factorType: options.factorType, codebook: options.backboneCodebook(for: choice))
            return Encoding(parts: [caldera.factors.first, caldera.factors.second, caldera.backbone],
                            reconstruction: incoherence?.unrotated(caldera.reconstruction) ?? caldera.reconstruction,
                            iterateErrors: caldera.iterateErrors)
        }
    }

    /// The plan's estimate for this choice, with the exact spectrum for low-rank choices.
    private func estimate() throws -> Double? {
        var spectrum: Spectrum?
        if case .lowRank = choice {
            let values = try singularValues ?? CompressionPipeline.singularValues(of: weight)
            spectrum = Spectrum(tensorName: name, rows: weight.rows, columns: weight.columns, singularValues: values)
        }
        let tensor = PlannedTensor(name: name, shape: [weight.rows, weight.columns], spectrum: spectrum)
        return try LayerEstimate(tensor: tensor, choice: options.resolved(choice)).relativeError
    }

    /// All min(m, n) singular values, descending, as square roots of the eigenvalues of the smaller
    /// Gram matrix (absolute accuracy ~1e-16·σ₁² in σ², which is what the estimate's tail sums need).
    static func singularValues(of matrix: Matrix) throws -> [Double] {
        let tall = matrix.rows >= matrix.columns ? matrix : matrix.transposed()
        var gram = try tall.gramOfColumns().elements
        let values = try LAPACK.symmetricEigenvalues(&gram, order: tall.columns)
        return values.reversed().map { max($0, 0).squareRoot() }
    }
}
