/// A checksum of a safetensors file's content — its metadata (but the checksum's own key), tensor
/// names, dtypes, shapes and data bytes — recorded in its `__metadata__` under ``key`` and verified
/// before the file is used again.
///
/// Why: rankscope's own files that a later run trusts (finished layers in a job journal, spectrum
/// cache files) were taken as they were, so one flipped data byte was silently reused by
/// `--resume` or served as a spectrum. The header's own checks catch a damaged header; this
/// catches damaged data. FNV-1a 64 (``FNV1a``) changes with every single-byte change; it guards
/// against accidents, not against someone forging a file (they could rewrite the checksum too).
public enum ContentChecksum {
    /// The `__metadata__` key holding the checksum.
    public static let key = "content_fnv1a64"

    /// The checksum of tensors about to be written with `metadata` (whose ``key``, if present, is
    /// ignored); store it under ``key``.
    public static func of(tensors: [(TensorSpec, [UInt8])], metadata: [String: String]) -> String {
        var hash = metadataHash(metadata)
        for (spec, bytes) in tensors.sorted(by: { $0.0.name.utf8.lexicographicallyPrecedes($1.0.name.utf8) }) {
            hash = tensorHash(hash, name: spec.name, dtype: spec.dtype, shape: spec.shape)
            hash = bytes.withUnsafeBytes { FNV1a.hash($0, continuing: hash) }
        }
        return String(hash, radix: 16)
    }

    /// The checksum of `file` as it is now (reading every tensor's bytes).
    public static func of(file: SafeTensorsFile) throws -> String {
        var hash = metadataHash(file.metadata ?? [:])
        for tensor in file.tensors.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }) {
            hash = tensorHash(hash, name: tensor.name, dtype: tensor.dtype, shape: tensor.shape)
            hash = try file.withBytes(of: tensor) { FNV1a.hash($0, continuing: hash) }
        }
        return String(hash, radix: 16)
    }

    /// True when `file` records a checksum under ``key`` and its content still has it.
    public static func verifies(_ file: SafeTensorsFile) -> Bool {
        guard let recorded = file.metadata?[key], let actual = try? of(file: file) else { return false }
        return recorded == actual
    }

    private static func metadataHash(_ metadata: [String: String]) -> UInt64 {
        var hash = FNV1a.offsetBasis
        for (name, value) in metadata.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) where name != key {
            hash = FNV1a.hash([name, value, ""].joined(separator: "\0"), continuing: hash)
        }
        return hash
    }

    private static func tensorHash(_ hash: UInt64, name: String, dtype: DType, shape: [Int]) -> UInt64 {
        let dimensions: String = shape.map { String($0) }.joined(separator: ",")
        let text: String = [name, dtype.rawValue, dimensions, ""].joined(separator: "\0")
        return FNV1a.hash(text, continuing: hash)
    }
}
