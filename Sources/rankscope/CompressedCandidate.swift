import Compression

/// `eval --compressed DIR`: the layers of a `rankscope compress` output folder, read back and
/// run as stored (factors as two matmuls, CALDERA as its packed backbone plus the factors, turned
/// by the incoherence transforms on the activations: ``DecodedLinear/packedCaldera(_:bias:)``).
struct CompressedCandidate: CandidateModel {
    let folder: String

    var description: String { "compressed \(folder)" }

    func decodedLayers() throws -> DecodedModel {
        try CompressedFolder.read(folder, packedBackbones: true)
    }
}
