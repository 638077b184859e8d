#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import StrictJSON

/// Writes a safetensors file whose data may be larger than memory, streaming tensor bytes in.
///
/// The header is laid out exactly as the reference serializer (`safetensors.serialize`, used by
/// `safetensors.numpy.save_file`) lays it out: `__metadata__` first (when given), then tensors
/// ordered by dtype rank descending (U64, I64, F64, C64, F32, … BOOL; see ``DType``) and then by
/// name in byte order, compact JSON as `serde_json` writes it, padded with spaces to a multiple of
/// 8 bytes. For the same tensors and at most one metadata entry, the bytes are identical to
/// Python's. (Python keeps metadata in a hash map, so with two or more entries its order varies
/// from run to run; here metadata keys are written sorted by bytes, which is one of those orders.)
///
/// Bytes go to a temporary file in the destination folder (`.<name>.partial-<pid>`). Feed the
/// data with ``append(_:)-(UnsafeRawBufferPointer)`` in ``layout`` order, in chunks of any size;
/// ``finish()`` checks that every byte arrived, flushes, `fsync`s and renames the file into place
/// atomically. ``abandon()``, or releasing an unfinished writer, deletes the temporary file.
/// A writer is used from one thread at a time.
public final class SafeTensorsWriter {
    /// The final path.
    public let path: String
    /// The temporary path written until ``finish()``.
    public let temporaryPath: String
    /// The tensors in the order their bytes must be appended, with their offsets.
    public let layout: [TensorInfo]
    /// The N header bytes, padding included.
    public let headerBytes: [UInt8]
    /// The total number of data bytes expected (sum of all tensors' byte counts).
    public let totalDataBytes: Int
    /// The number of data bytes received so far.
    public private(set) var bytesWritten = 0

    private var descriptor: Int32 = -1
    private var pending: [UInt8] = []
    private static let bufferCapacity = 4 << 20

    /// Creates the temporary file and writes the prefix and header.
    public init(path: String, tensors: [TensorSpec], metadata: [String: String]? = nil) throws {
        let (header, layout) = try SafeTensorsWriter.serializedHeader(tensors: tensors, metadata: metadata, file: path)
        self.path = path
        self.temporaryPath = PathNames.join(
            PathNames.parent(of: path), ".\(PathNames.lastComponent(of: path)).partial-\(getpid())")
        self.layout = layout
        self.headerBytes = header
        self.totalDataBytes = layout.last?.dataEnd ?? 0
        let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else {
            throw SafeTensorsError(file: path, problem: .writeFailed(reason: "cannot create \(temporaryPath): \(POSIX.describe(errno))"))
        }
        descriptor = fd
        pending.reserveCapacity(SafeTensorsWriter.bufferCapacity)
        var prefix: [UInt8] = []
        var length = UInt64(header.count)
        for _ in 0..<8 {
            prefix.append(UInt8(truncatingIfNeeded: length))
            length >>= 8
        }
        pending.append(contentsOf: prefix)
        pending.append(contentsOf: header)
        do {
            try flush()
        } catch {
            abandon()
            throw error
        }
    }

    deinit {
        abandon()
    }

    /// True once ``finish()`` succeeded or ``abandon()`` was called.
    public var isClosed: Bool { descriptor < 0 }

    /// Appends the next data bytes (continuing the current tensor of ``layout``).
    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        guard descriptor >= 0 else { throw SafeTensorsError(file: path, problem: .writerClosed) }
        let (received, overflow) = bytesWritten.addingReportingOverflow(bytes.count)
        guard !overflow, received <= totalDataBytes else {
            throw SafeTensorsError(file: path, problem: .tooManyBytes(expected: totalDataBytes, received: overflow ? Int.max : received))
        }
        if pending.count + bytes.count <= SafeTensorsWriter.bufferCapacity {
            pending.append(contentsOf: bytes)
        } else {
            try flush()
            if bytes.count >= SafeTensorsWriter.bufferCapacity {
                if let reason = POSIX.writeFully(fd: descriptor, bytes) {
                    throw SafeTensorsError(file: path, problem: .writeFailed(reason: reason))
                }
            } else {
                pending.append(contentsOf: bytes)
            }
        }
        bytesWritten = received
    }

    /// Appends the next data bytes from an array.
    public func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try append($0) }
    }

    /// Checks all data arrived, flushes and syncs, and renames the file to ``path``. On failure
    /// the temporary file is removed and the error names the file.
    public func finish() throws {
        guard descriptor >= 0 else { throw SafeTensorsError(file: path, problem: .writerClosed) }
        do {
            guard bytesWritten == totalDataBytes else {
                throw SafeTensorsError(file: path, problem: .incompleteData(expected: totalDataBytes, written: bytesWritten))
            }
            try flush()
            guard fsync(descriptor) == 0 else {
                throw SafeTensorsError(file: path, problem: .writeFailed(reason: POSIX.describe(errno)))
            }
            guard rename(temporaryPath, path) == 0 else {
                throw SafeTensorsError(file: path, problem: .writeFailed(reason: "cannot rename into place: \(POSIX.describe(errno))"))
            }
        } catch {
            abandon()
            throw error
        }
        close(descriptor)
        descriptor = -1
        let folder = open(PathNames.parent(of: path), O_RDONLY | O_CLOEXEC)
        if folder >= 0 {
            _ = fsync(folder)
            close(folder)
        }
    }

    /// Stops writing and deletes the temporary file; harmless when already finished.
    public func abandon() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
        unlink(temporaryPath)
        pending = []
    }

    /// Writes a whole file from in-memory tensors (each spec with exactly its bytes).
    public static func write(path: String, tensors: [(TensorSpec, [UInt8])], metadata: [String: String]? = nil) throws {
        var dataByName: [String: [UInt8]] = [:]
        for (spec, data) in tensors {
            if let expected = TensorInfo(name: spec.name, dtype: spec.dtype, shape: spec.shape)?.byteCount, expected != data.count {
                throw SafeTensorsError(file: path, problem: .dataSizeMismatch(tensor: spec.name, expected: expected, actual: data.count))
            }
            dataByName[spec.name] = data
        }
        let writer = try SafeTensorsWriter(path: path, tensors: tensors.map(\.0), metadata: metadata)
        for info in writer.layout {
            try writer.append(dataByName[info.name] ?? [])
        }
        try writer.finish()
    }

    /// The padded header bytes and the data layout the reference serializer would produce;
    /// `file` names the destination in errors.
    public static func serializedHeader(
        tensors: [TensorSpec], metadata: [String: String]?, file: String = "<memory>"
    ) throws -> (header: [UInt8], layout: [TensorInfo]) {
        var seen = Set<String>()
        for spec in tensors {
            if spec.name == "__metadata__" { throw SafeTensorsError(file: file, problem: .reservedTensorName(name: spec.name)) }
            if !seen.insert(spec.name).inserted { throw SafeTensorsError(file: file, problem: .duplicateTensorName(name: spec.name)) }
            if let negative = spec.shape.first(where: { $0 < 0 }) {
                throw SafeTensorsError(file: file, problem: .invalidShape(tensor: spec.name, detail: "dimension \(negative) is negative"))
            }
        }
        let ordered = tensors.sorted { lhs, rhs in
            if lhs.dtype != rhs.dtype { return lhs.dtype > rhs.dtype }
            return lhs.name.utf8Precedes(rhs.name)
        }
        var layout: [TensorInfo] = []
        var offset = 0
        var root = JSONObject()
        if let metadata {
            let pairs = metadata.sorted { $0.key.utf8Precedes($1.key) }.map { ($0.key, JSONValue.string($0.value)) }
            root.append(key: "__metadata__", value: .object(JSONObject(pairs)))
        }
        for spec in ordered {
            guard let info = TensorInfo(name: spec.name, dtype: spec.dtype, shape: spec.shape, dataBegin: offset) else {
                throw SafeTensorsError(file: file, problem: .shapeOverflow(tensor: spec.name))
            }
            layout.append(info)
            offset = info.dataEnd
            let entry: JSONObject = [
                "dtype": .string(spec.dtype.rawValue),
                "shape": .array(spec.shape.map { .number(JSONNumber($0)) }),
                "data_offsets": .array([.number(JSONNumber(info.dataBegin)), .number(JSONNumber(info.dataEnd))]),
            ]
            root.append(key: spec.name, value: .object(entry))
        }
        var header = JSONWriter.bytes(.object(root))
        let padding = (8 - header.count % 8) % 8
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding))
        return (header, layout)
    }

    private func flush() throws {
        guard !pending.isEmpty else { return }
        let reason = pending.withUnsafeBytes { POSIX.writeFully(fd: descriptor, $0) }
        pending.removeAll(keepingCapacity: true)
        if let reason { throw SafeTensorsError(file: path, problem: .writeFailed(reason: reason)) }
    }
}
