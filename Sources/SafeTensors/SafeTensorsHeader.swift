import StrictJSON

/// The parsed and validated JSON header of a safetensors file.
///
/// Validation follows the reference implementation (huggingface/safetensors `tensor.rs`) and is
/// a little stricter where the reference is lenient in ways that hide broken files:
/// - the header must be valid UTF-8 JSON, an object, and begin with `{`; trailing spaces (the
///   writers' padding) are allowed;
/// - duplicate keys are an error (the reference silently keeps the last);
/// - each tensor needs `dtype` (a known whole-byte dtype), `shape` (non-negative integers) and
///   `data_offsets` (two non-negative integers written without fraction or exponent); other
///   fields are ignored as the reference does;
/// - sorted by offsets, the tensors must tile the data buffer exactly: the first begins at 0,
///   each begins where the previous ended, each spans element count × element size bytes, and
///   the last ends at the end of the file;
/// - `__metadata__`, when present, must map strings to strings.
public struct SafeTensorsHeader: Sendable, Equatable {
    /// The largest header the reference implementation accepts (100,000,000 bytes).
    public static let maximumLength = 100_000_000

    /// The tensors in the header's own order.
    public let tensors: [TensorInfo]
    /// The `__metadata__` map, if the header has one.
    public let metadata: [String: String]?
    /// The `__metadata__` entries in header order, if the header has one.
    public let orderedMetadata: [(key: String, value: String)]?
    /// N, the header's length in bytes (including any padding).
    public let headerLength: Int
    /// The file offset where the data buffer begins (8 + N).
    public let dataStart: Int
    /// The length of the data buffer in bytes (file size − 8 − N).
    public let bufferLength: Int

    /// Header equality compares tensors, metadata and lengths.
    public static func == (lhs: SafeTensorsHeader, rhs: SafeTensorsHeader) -> Bool {
        lhs.tensors == rhs.tensors && lhs.metadata == rhs.metadata && lhs.headerLength == rhs.headerLength
            && lhs.bufferLength == rhs.bufferLength
    }

    /// Parses and validates header bytes (the N bytes after the 8-byte length) against a data
    /// buffer of `bufferLength` bytes; `file` names the file in errors. Plain headers are read by
    /// ``SafeTensorsHeaderScanner`` without a JSON tree; anything else, and every error, by the
    /// strict parse.
    public static func parse(headerBytes: UnsafeRawBufferPointer, bufferLength: Int, file: String) throws -> SafeTensorsHeader {
        if headerBytes.count <= maximumLength,
           let scanned = SafeTensorsHeaderScanner.scan(headerBytes: headerBytes, bufferLength: bufferLength) {
            return scanned
        }
        return try parseTree(headerBytes: headerBytes, bufferLength: bufferLength, file: file)
    }

    /// The strict parse: builds the JSON tree and validates it, reporting the first problem.
    /// ``parse(headerBytes:bufferLength:file:)`` tries ``SafeTensorsHeaderScanner`` first and
    /// falls back to this; tests call it directly to check that both agree.
    static func parseTree(headerBytes: UnsafeRawBufferPointer, bufferLength: Int, file: String) throws -> SafeTensorsHeader {
        func fail(_ problem: SafeTensorsError.Problem) -> SafeTensorsError {
            SafeTensorsError(file: file, problem: problem)
        }
        guard headerBytes.count <= maximumLength else {
            throw fail(.headerTooLarge(headerLength: UInt64(headerBytes.count)))
        }
        let root: JSONValue
        do {
            root = try JSONParser.parse(headerBytes)
        } catch let error as JSONParseError {
            switch error.kind {
            case .invalidUTF8: throw fail(.headerInvalidUTF8(offset: error.position.offset))
            case .duplicateKey(let key): throw fail(.duplicateKey(name: key, position: error.position))
            default: throw fail(.headerNotJSON(detail: error.description))
            }
        }
        guard let object = root.objectValue else {
            throw fail(.headerNotObject(found: root.kindDescription))
        }
        guard headerBytes.first == UInt8(ascii: "{") else {
            throw fail(.headerStartsWithoutBrace)
        }

        var tensors: [TensorInfo] = []
        tensors.reserveCapacity(object.count)
        var metadataPairs: [(key: String, value: String)]?
        for member in object.members {
            if member.key == "__metadata__" {
                metadataPairs = try parseMetadata(member.value, fail: fail)
                continue
            }
            tensors.append(try parseTensor(name: member.key, entry: member.value, bufferLength: bufferLength, fail: fail))
        }
        try checkLayout(tensors, bufferLength: bufferLength, fail: fail)

        return SafeTensorsHeader(tensors: tensors, orderedMetadata: metadataPairs, headerLength: headerBytes.count,
                                 bufferLength: bufferLength)
    }

    /// Throws when a file of `size` bytes cannot hold the 8-byte header length.
    public static func checkFileSize(_ size: Int, file: String) throws {
        if size == 0 { throw SafeTensorsError(file: file, problem: .emptyFile) }
        if size < 8 { throw SafeTensorsError(file: file, problem: .fileTooShort(size: size)) }
    }

    /// Decodes N, the little-endian 64-bit header length in the first 8 bytes of `prefix`, of a
    /// file of `fileSize` bytes, and checks that the header fits the file and the maximum length.
    public static func declaredLength(prefix: UnsafeRawBufferPointer, fileSize: Int, file: String) throws -> Int {
        precondition(prefix.count >= 8, "the header length prefix is 8 bytes")
        var declared: UInt64 = 0
        for i in 0..<8 { declared |= UInt64(prefix[i]) << (8 * UInt64(i)) }
        guard declared <= UInt64(fileSize - 8) else {
            throw SafeTensorsError(file: file, problem: .headerBeyondFile(headerLength: declared, fileSize: fileSize))
        }
        guard declared <= UInt64(maximumLength) else {
            throw SafeTensorsError(file: file, problem: .headerTooLarge(headerLength: declared))
        }
        return Int(declared)
    }

    /// Parses and validates a whole safetensors file image held in memory (length prefix, header,
    /// data buffer), with the same checks and errors as opening a file; `file` names it in errors.
    public static func parse(fileImage: UnsafeRawBufferPointer, file: String) throws -> SafeTensorsHeader {
        try checkFileSize(fileImage.count, file: file)
        let length = try declaredLength(prefix: UnsafeRawBufferPointer(rebasing: fileImage[0..<8]),
                                        fileSize: fileImage.count, file: file)
        return try parse(headerBytes: UnsafeRawBufferPointer(rebasing: fileImage[8..<(8 + length)]),
                         bufferLength: fileImage.count - 8 - length, file: file)
    }

    /// Parses header bytes held in an array.
    public static func parse(headerBytes: [UInt8], bufferLength: Int, file: String) throws -> SafeTensorsHeader {
        try headerBytes.withUnsafeBytes { try parse(headerBytes: $0, bufferLength: bufferLength, file: file) }
    }

    /// A validated header; `metadata` is built from `orderedMetadata`.
    init(tensors: [TensorInfo], orderedMetadata: [(key: String, value: String)]?, headerLength: Int, bufferLength: Int) {
        self.tensors = tensors
        self.metadata = orderedMetadata.map {
            Dictionary($0.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        }
        self.orderedMetadata = orderedMetadata
        self.headerLength = headerLength
        self.dataStart = 8 + headerLength
        self.bufferLength = bufferLength
    }

    private static func parseMetadata(
        _ value: JSONValue, fail: (SafeTensorsError.Problem) -> SafeTensorsError
    ) throws -> [(key: String, value: String)] {
        guard let object = value.objectValue else {
            throw fail(.invalidMetadata(detail: "it is \(value.kindDescription), not an object of strings"))
        }
        return try object.members.map { member in
            guard let text = member.value.stringValue else {
                throw fail(.invalidMetadata(detail: "the value of \"\(member.key)\" is \(member.value.kindDescription), not a string"))
            }
            return (member.key, text)
        }
    }

    private static func parseTensor(
        name: String, entry: JSONValue, bufferLength: Int, fail: (SafeTensorsError.Problem) -> SafeTensorsError
    ) throws -> TensorInfo {
        guard let fields = entry.objectValue else { throw fail(.tensorEntryNotObject(tensor: name)) }
        guard let dtypeValue = fields["dtype"] else { throw fail(.missingField(tensor: name, field: "dtype")) }
        guard let dtypeText = dtypeValue.stringValue else {
            throw fail(.unknownDType(tensor: name, dtype: JSONWriter.string(dtypeValue)))
        }
        guard let dtype = DType(rawValue: dtypeText) else { throw fail(.unknownDType(tensor: name, dtype: dtypeText)) }

        guard let shapeValue = fields["shape"] else { throw fail(.missingField(tensor: name, field: "shape")) }
        guard let shapeArray = shapeValue.arrayValue else {
            throw fail(.invalidShape(tensor: name, detail: "it is \(shapeValue.kindDescription), not an array"))
        }
        var shape: [Int] = []
        shape.reserveCapacity(shapeArray.count)
        for dimension in shapeArray {
            guard let number = dimension.numberValue, number.isInteger else {
                throw fail(.invalidShape(tensor: name, detail: "\(JSONWriter.string(dimension)) is not an integer"))
            }
            guard let value = number.intValue, value >= 0 else {
                if number.text.hasPrefix("-") && number.text != "-0" {
                    throw fail(.invalidShape(tensor: name, detail: "dimension \(number.text) is negative"))
                }
                throw fail(.shapeOverflow(tensor: name))
            }
            shape.append(value)
        }

        guard let offsetsValue = fields["data_offsets"] else { throw fail(.missingField(tensor: name, field: "data_offsets")) }
        guard let offsets = offsetsValue.arrayValue, offsets.count == 2,
              let beginNumber = offsets[0].numberValue, beginNumber.isInteger,
              let endNumber = offsets[1].numberValue, endNumber.isInteger
        else { throw fail(.malformedOffsets(tensor: name)) }
        for number in [beginNumber, endNumber] where number.text.hasPrefix("-") && number.text != "-0" {
            throw fail(.negativeOffset(tensor: name, value: number.text))
        }
        guard let end = endNumber.intValue, end <= bufferLength else {
            throw fail(.offsetBeyondBuffer(tensor: name, end: endNumber.text, bufferLength: bufferLength))
        }
        guard let begin = beginNumber.intValue, begin <= end else {
            throw fail(.reversedOffsets(tensor: name, begin: beginNumber.intValue ?? Int.max, end: end))
        }
        guard let info = TensorInfo(name: name, dtype: dtype, shape: shape, dataBegin: begin) else {
            throw fail(.shapeOverflow(tensor: name))
        }
        guard info.dataEnd == end else {
            throw fail(.byteSizeMismatch(tensor: name, shape: shape, dtype: dtype, expected: info.byteCount, actual: end - begin))
        }
        return info
    }

    /// Throws `fail(…)` unless the tensors, sorted by offsets, tile the buffer exactly.
    static func checkLayout(
        _ tensors: [TensorInfo], bufferLength: Int, fail: (SafeTensorsError.Problem) -> SafeTensorsError
    ) throws {
        let sorted = tensors.sorted { ($0.dataBegin, $0.dataEnd) < ($1.dataBegin, $1.dataEnd) }
        var expected = 0
        var previous: String?
        for tensor in sorted {
            if tensor.dataBegin > expected {
                throw fail(.gap(previous: previous, tensor: tensor.name, expectedBegin: expected, begin: tensor.dataBegin))
            }
            if tensor.dataBegin < expected, let previous {
                throw fail(.overlap(previous: previous, tensor: tensor.name, previousEnd: expected, begin: tensor.dataBegin))
            }
            expected = tensor.dataEnd
            previous = tensor.name
        }
        if expected != bufferLength {
            throw fail(.bufferLengthMismatch(dataEnd: expected, bufferLength: bufferLength))
        }
    }
}
