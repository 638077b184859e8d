import SafeTensors

/// One tensor of the model as the plan sees it: its place, shape, stored width and, for
/// matrices whose spectrum is known, its singular values.
public struct PlannedTensor: Sendable {
    /// The tensor's name in the checkpoint.
    public let name: String
    /// The transformer block, nil outside blocks.
    public let block: Int?
    /// The role inside the block (`mlp.up_proj`), or the name outside blocks.
    public let role: String
    /// What the tensor is for; only ``TensorKind/linear`` matrices are compressible.
    public let kind: TensorKind
    /// The tensor's shape.
    public let shape: [Int]
    /// Bits per element as stored (16 for BF16, 32 for F32, …).
    public let storedBits: Int
    /// The singular values, when known.
    public let spectrum: Spectrum?
    /// The bytes the tensor really occupies in its file when that is not `elements·storedBits/8`:
    /// a GGUF tensor's quantized size (``storedBits`` is then the width it is decoded and
    /// written at, 32).
    public let fileByteCount: Int?

    /// Describes a tensor directly (tests, synthetic models).
    public init(name: String, block: Int? = nil, role: String = "", kind: TensorKind = .linear,
                shape: [Int], storedBits: Int = 16, spectrum: Spectrum? = nil, fileByteCount: Int? = nil) {
        self.name = name
        self.block = block
        self.role = role.isEmpty ? name : role
        self.kind = kind
        self.shape = shape
        self.storedBits = storedBits
        self.spectrum = spectrum
        self.fileByteCount = fileByteCount
    }

    /// Describes a catalog entry, with its spectrum if computed.
    public init(entry: CatalogEntry, spectrum: Spectrum?) {
        self.init(name: entry.info.name, block: entry.name.block, role: entry.name.role, kind: entry.kind,
                  shape: entry.info.shape, storedBits: entry.info.dtype.byteWidth * 8, spectrum: spectrum,
                  fileByteCount: entry.tensor.stored?.byteCount)
    }

    /// The number of elements (product of the shape).
    public var elementCount: Int { shape.reduce(1, *) }
    /// Bytes as stored in the input file: ``fileByteCount`` when known, else ⌈elements·storedBits / 8⌉.
    public var storedBytes: Int { fileByteCount ?? writtenBytes }
    /// Bytes when written unchanged to a safetensors output: ⌈elements·storedBits / 8⌉ (for a GGUF
    /// tensor, its F32 form, so a kept layer's "after" is what `compress` writes).
    public var writtenBytes: Int { (elementCount * storedBits + 7) / 8 }
    /// Rows m and columns n of a 2-D tensor.
    public var matrixShape: (rows: Int, columns: Int)? { shape.count == 2 ? (shape[0], shape[1]) : nil }
    /// True for 2-D linear weights, the matrices a plan may factorize.
    public var isCompressible: Bool { kind == .linear && shape.count == 2 }
    /// ‖W‖_F² = Σσᵢ² when the spectrum is known.
    public var squaredNorm: Double? { spectrum?.tailEnergy.first }
}
