import Compression

/// `eval --compressed DIR`: the layers of a `rankscope compress` output folder, read back and
/// run as stored (factors as two matmuls, CALDERA as Q plus the factors).
struct CompressedCandidate: CandidateModel {
    let folder: String

    var description: String { "compressed \(folder)" }

    func decodedLayers() throws -> DecodedModel {
        try CompressedFolder.read(folder)
    }
}
