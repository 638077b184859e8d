/// The validated header of a GGUF file: version, metadata, tensor infos, alignment and where the
/// data section starts.
///
/// Layout (little-endian): magic `GGUF`, `u32` version (2 or 3), `u64` tensor count, `u64`
/// metadata count, the metadata key/value pairs, the tensor infos (name, `u32` dimension count,
/// `u64` dimensions, `u32` ggml type, `u64` offset), then padding to the alignment
/// (`general.alignment`, default 32) and the data section.
///
/// Parsing validates everything a reader later relies on: counts are checked against the bytes
/// left before anything is allocated, strings and arrays stay inside the file, keys and tensor
/// names are unique UTF-8, every tensor's type is a ggml type, its rows are whole blocks, its size
/// does not overflow, its offset is aligned, its bytes lie in the file, and no two tensors overlap.
public struct GGUFHeader: Sendable {
    /// The magic bytes every GGUF starts with.
    public static let magic: [UInt8] = Array("GGUF".utf8)
    /// The alignment when `general.alignment` is absent.
    public static let defaultAlignment = 32
    /// How deep arrays may nest (the format allows arrays of arrays; real files use none).
    public static let maximumArrayDepth = 8

    /// The format version, 2 or 3.
    public let version: UInt32
    /// The metadata pairs in file order.
    public let metadata: [(key: String, value: GGUFValue)]
    /// The tensors in file order.
    public let tensors: [GGUFTensorInfo]
    /// The data alignment in bytes.
    public let alignment: Int
    /// The file offset of the data section (the end of the tensor infos, rounded up to ``alignment``).
    public let dataStart: Int
    /// The byte count of the header proper (magic to the end of the tensor infos, without padding).
    public let headerBytes: Int
    private let valueIndex: [String: Int]

    /// The metadata value of `key`, if present.
    public subscript(key: String) -> GGUFValue? {
        valueIndex[key].map { metadata[$0].value }
    }

    /// Parses and validates the header at the start of `fileImage` (the whole file, typically
    /// memory-mapped: only the header's pages are touched). `file` names the file in errors.
    public static func parse(fileImage: UnsafeRawBufferPointer, file: String) throws -> GGUFHeader {
        var cursor = GGUFCursor(bytes: fileImage, file: file)
        let magic = (0..<min(4, fileImage.count)).map { fileImage[$0] }
        guard magic == GGUFHeader.magic else {
            if fileImage.count < 4 {
                throw cursor.fail(.truncated(what: "the 4-byte magic", offset: 0, needed: 4, fileSize: fileImage.count))
            }
            throw cursor.fail(.badMagic(found: magic))
        }
        cursor.offset = 4
        let version = try cursor.u32("the version")
        guard version == 2 || version == 3 else {
            if version.byteSwapped == 2 || version.byteSwapped == 3 { throw cursor.fail(.bigEndian(version: version)) }
            throw cursor.fail(.unsupportedVersion(version))
        }
        let tensorCount = try cursor.count("tensor count", minimumSize: 24)
        let pairCount = try cursor.count("metadata count", minimumSize: 13)

        var metadata: [(key: String, value: GGUFValue)] = []
        metadata.reserveCapacity(pairCount)
        var valueIndex: [String: Int] = [:]
        for i in 0..<pairCount {
            let key = try cursor.strictString("metadata key \(i)")
            guard valueIndex[key] == nil else { throw cursor.fail(.duplicateKey(key: key)) }
            let code = try cursor.u32("the value type of '\(GGUFError.shown(key))'")
            guard let type = GGUFValueType(rawValue: code) else { throw cursor.fail(.unknownValueType(key: key, code: code)) }
            let value = try readValue(type, key: key, depth: 0, &cursor)
            valueIndex[key] = metadata.count
            metadata.append((key, value))
        }

        var alignment = defaultAlignment
        if let index = valueIndex["general.alignment"] {
            guard case .uint32(let value) = metadata[index].value else {
                throw cursor.fail(.badAlignment(detail: "is a \(String(describing: metadata[index].value.type).uppercased()), but it must be a UINT32"))
            }
            guard value > 0, value & (value - 1) == 0 else {
                throw cursor.fail(.badAlignment(detail: "is \(value), but it must be a power of two"))
            }
            alignment = Int(value)
        }

        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(tensorCount)
        var names = Set<String>()
        for i in 0..<tensorCount {
            let name = try cursor.strictString("the name of tensor \(i)")
            guard names.insert(name).inserted else { throw cursor.fail(.duplicateTensor(name: name)) }
            let dimensionCount = try cursor.u32("the dimension count of tensor '\(GGUFError.shown(name))'")
            guard dimensionCount <= 4 else { throw cursor.fail(.tooManyDimensions(tensor: name, count: dimensionCount)) }
            var raw: [UInt64] = []
            for d in 0..<Int(dimensionCount) { raw.append(try cursor.u64("dimension \(d) of tensor '\(GGUFError.shown(name))'")) }
            let code = try cursor.u32("the type of tensor '\(GGUFError.shown(name))'")
            let offset = try cursor.u64("the offset of tensor '\(GGUFError.shown(name))'")
            guard let type = GGMLType(rawValue: code) else { throw cursor.fail(.unknownTensorType(tensor: name, code: code)) }
            tensors.append(try tensorInfo(name: name, raw: raw, type: type, offset: offset, alignment: alignment, cursor))
        }

        let headerBytes = cursor.offset
        let (padded, overflow) = headerBytes.addingReportingOverflow(alignment - 1)
        let dataStart = overflow ? Int.max : padded / alignment * alignment
        let dataSize = max(0, fileImage.count - dataStart)
        if !tensors.isEmpty, dataStart > fileImage.count {
            throw cursor.fail(.truncated(what: "the data section", offset: headerBytes,
                                         needed: UInt64(dataStart - headerBytes), fileSize: fileImage.count))
        }
        for tensor in tensors where tensor.byteCount > dataSize || tensor.offset > dataSize - tensor.byteCount {
            throw cursor.fail(.tensorBeyondFile(tensor: tensor.name, begin: UInt64(tensor.offset),
                                                byteCount: UInt64(tensor.byteCount), dataSize: dataSize))
        }
        let byOffset = tensors.filter { $0.byteCount > 0 }.sorted { ($0.offset, $0.name) < ($1.offset, $1.name) }
        for (previous, next) in zip(byOffset, byOffset.dropFirst()) where next.offset < previous.offset + previous.byteCount {
            throw cursor.fail(.overlap(tensor: next.name, other: previous.name, begin: UInt64(next.offset),
                                       otherEnd: UInt64(previous.offset + previous.byteCount)))
        }
        return GGUFHeader(version: version, metadata: metadata, tensors: tensors, alignment: alignment,
                          dataStart: dataStart, headerBytes: headerBytes, valueIndex: valueIndex)
    }

    /// Checks one tensor's sizes and alignment and describes it.
    private static func tensorInfo(name: String, raw: [UInt64], type: GGMLType, offset: UInt64, alignment: Int,
                                   _ cursor: GGUFCursor) throws -> GGUFTensorInfo {
        var elements: UInt64 = 1
        for dimension in raw {
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            guard !overflow, dimension <= UInt64(Int64.max) else { throw cursor.fail(.sizeOverflow(tensor: name, dimensions: raw)) }
            elements = product
        }
        let rowLength = raw.first ?? 1
        guard rowLength % UInt64(type.blockSize) == 0 else {
            throw cursor.fail(.partialBlock(tensor: name, rowLength: rowLength, type: type))
        }
        let (bytes, overflow) = (elements / UInt64(type.blockSize)).multipliedReportingOverflow(by: UInt64(type.blockBytes))
        guard !overflow, elements <= UInt64(Int.max), bytes <= UInt64(Int.max) else {
            throw cursor.fail(.sizeOverflow(tensor: name, dimensions: raw))
        }
        guard offset % UInt64(alignment) == 0 else {
            throw cursor.fail(.misalignedOffset(tensor: name, offset: offset, alignment: alignment))
        }
        guard offset <= UInt64(Int.max) else {
            throw cursor.fail(.tensorBeyondFile(tensor: name, begin: offset, byteCount: bytes, dataSize: cursor.bytes.count))
        }
        return GGUFTensorInfo(name: name, dimensions: raw.map { Int($0) }, type: type, offset: Int(offset),
                              elementCount: Int(elements), byteCount: Int(bytes))
    }

    /// Reads one value of `type` (the type code already read).
    private static func readValue(_ type: GGUFValueType, key: String, depth: Int, _ cursor: inout GGUFCursor) throws -> GGUFValue {
        if let size = type.fixedSize {
            let raw = try cursor.unsigned(size, "the value of '\(GGUFError.shown(key))'")
            return GGUFValue.scalar(type, raw: raw)!
        }
        if type == .string { return .string(try cursor.lenientString("the value of '\(GGUFError.shown(key))'")) }
        return .array(try readArray(key: key, depth: depth + 1, &cursor))
    }

    /// Reads an array (element type, count, elements), keeping its bytes.
    private static func readArray(key: String, depth: Int, _ cursor: inout GGUFCursor) throws -> GGUFArray {
        guard depth <= maximumArrayDepth else { throw cursor.fail(.arrayTooDeep(key: key, depth: maximumArrayDepth)) }
        let code = try cursor.u32("the element type of array '\(GGUFError.shown(key))'")
        guard let elementType = GGUFValueType(rawValue: code) else { throw cursor.fail(.unknownValueType(key: key, code: code)) }
        let count = try cursor.count("length of array '\(GGUFError.shown(key))'", minimumSize: elementType.minimumSize)
        let start = cursor.offset
        var nested: [GGUFArray] = []
        switch elementType {
        case .string:
            for i in 0..<count { _ = try cursor.stringRange("string \(i) of array '\(GGUFError.shown(key))'") }
        case .array:
            nested.reserveCapacity(count)
            for _ in 0..<count { nested.append(try readArray(key: key, depth: depth + 1, &cursor)) }
        default:
            let size = elementType.fixedSize!
            try cursor.require(UInt64(count * size), for: "the elements of array '\(GGUFError.shown(key))'")
            cursor.offset += count * size
        }
        let payload = elementType == .array ? [] : Array(UnsafeRawBufferPointer(rebasing: cursor.bytes[start..<cursor.offset]))
        return GGUFArray(elementType: elementType, count: count, payload: payload, nested: nested)
    }
}
