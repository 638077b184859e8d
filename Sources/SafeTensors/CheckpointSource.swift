import StrictJSON

/// A one-file checkpoint in another format (GGUF), presented as the safetensors tensors its
/// Hugging Face form would hold, so every command reads it through ``Checkpoint`` unchanged.
///
/// Each tensor is described twice: as a ``TensorInfo`` of a *decoded* layout (its HF name and
/// shape, a float dtype, offsets in a virtual contiguous buffer) that planning and compression
/// read, and as its ``StoredEncoding`` (the format's own type name and real byte count) that
/// listings show. ``withDecodedBytes(of:_:)`` decodes one tensor at a time into a temporary
/// buffer, so memory stays bounded by the largest tensor. Tensors the source cannot decode are
/// described with a non-float dtype, so analysis lists them and skips them.
public protocol CheckpointSource: AnyObject, Sendable {
    /// The file's path as given.
    var path: String { get }
    /// The format's name for listings, e.g. `gguf`.
    var formatName: String { get }
    /// Every tensor in file order: its decoded description and how it is stored.
    var sourceTensors: [(info: TensorInfo, stored: StoredEncoding)] { get }
    /// The file's identity, so the spectrum cache can keep this checkpoint's spectra.
    var identity: FileIdentity { get }
    /// The model's facts as a Hugging Face `config.json` object, if the file holds them.
    var configObject: JSONObject? { get }
    /// Calls `body` with the decoded bytes of `tensor` (laid out as its ``TensorInfo`` says).
    func withDecodedBytes<R>(of tensor: TensorInfo, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R
    /// Files a Hugging Face folder of this model holds beside weights and `config.json` (e.g. a
    /// `tokenizer.json` made from a GGUF's vocabulary), which `compress` writes into its output.
    func sideFiles() throws -> [(name: String, bytes: [UInt8])]
}

extension CheckpointSource {
    /// None, unless the source makes some.
    public func sideFiles() throws -> [(name: String, bytes: [UInt8])] { [] }
}

/// How a tensor of a ``CheckpointSource`` is stored in its own format.
public struct StoredEncoding: Sendable, Equatable, Hashable {
    /// The format's type name, e.g. `Q4_K`.
    public let typeName: String
    /// The bytes the tensor really occupies in the file.
    public let byteCount: Int
    /// Storage bits per weight, scales included.
    public let bitsPerWeight: Double

    /// Describes a stored tensor.
    public init(typeName: String, byteCount: Int, bitsPerWeight: Double) {
        self.typeName = typeName
        self.byteCount = byteCount
        self.bitsPerWeight = bitsPerWeight
    }
}
