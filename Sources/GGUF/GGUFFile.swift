#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SafeTensors

/// One open `.gguf` file: its validated header and memory-mapped access to tensor data.
///
/// Opening maps the file read-only and parses the header from the mapping, so only the header's
/// pages are read: a multi-GB model opens in milliseconds. Tensor bytes are reached through
/// ``withBytes(of:_:)`` or decoded with ``dequantize(_:rows:into:)``; the pages of a tensor are
/// dropped from the process again after each use (`MADV_DONTNEED`), so reading a whole model
/// tensor by tensor keeps the resident set at about one tensor. The descriptor stays open for the
/// object's lifetime so the mapping refers to the file that was validated.
public final class GGUFFile: @unchecked Sendable {
    /// The path as given.
    public let path: String
    /// The validated header.
    public let header: GGUFHeader
    /// The file's size in bytes.
    public let fileSize: Int
    /// The file's modification time (nanoseconds since the Unix epoch) when it was opened.
    public let modificationTimeNanoseconds: Int64
    /// The file's inode number.
    public let inode: UInt64
    /// The ID of the device holding the file.
    public let device: UInt64

    private let descriptor: Int32
    private let mapping: UnsafeRawBufferPointer
    private let indexByName: [String: Int]

    /// Opens, maps and validates a GGUF file; every failure is a ``GGUFError`` naming `path`.
    public init(path: String) throws {
        func fail(_ problem: GGUFError.Problem) -> GGUFError { GGUFError(file: path, problem: problem) }
        guard let info = POSIX.status(of: path) else {
            let code = errno
            throw fail(code == ENOENT || code == ENOTDIR ? .noSuchFile : .cannotOpen(reason: POSIX.describe(code)))
        }
        if POSIX.isDirectory(info) { throw fail(.isDirectory) }
        guard POSIX.isRegularFile(info) else { throw fail(.cannotOpen(reason: "it is not a regular file")) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw fail(.cannotOpen(reason: POSIX.describe(errno))) }
        var current = stat()
        guard fstat(fd, &current) == 0 else {
            let reason = POSIX.describe(errno)
            close(fd)
            throw fail(.cannotOpen(reason: reason))
        }
        let size = Int(current.st_size)
        var mapping = UnsafeRawBufferPointer(start: nil, count: 0)
        if size > 0 {
            let address = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0)
            guard let address, address != UnsafeMutableRawPointer(bitPattern: -1) else {
                let reason = POSIX.describe(errno)
                close(fd)
                throw fail(.mapFailed(reason: reason))
            }
            mapping = UnsafeRawBufferPointer(start: address, count: size)
        }
        do {
            header = try GGUFHeader.parse(fileImage: mapping, file: path)
        } catch {
            if let base = mapping.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), size) }
            close(fd)
            throw error
        }
        self.path = path
        self.fileSize = size
        self.modificationTimeNanoseconds = POSIX.modificationNanoseconds(current)
        self.inode = UInt64(current.st_ino)
        self.device = UInt64(current.st_dev)
        self.descriptor = fd
        self.mapping = mapping
        var index: [String: Int] = [:]
        for (i, tensor) in header.tensors.enumerated() { index[tensor.name] = i }
        self.indexByName = index
    }

    deinit {
        if let base = mapping.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), mapping.count) }
        close(descriptor)
    }

    /// FNV-1a 64 of the header bytes (magic to the end of the tensor infos), for cache identity.
    public func headerFingerprint() -> UInt64 {
        guard mapping.baseAddress != nil else { return FNV1a.offsetBasis }
        defer { releasePages(from: 0, count: header.headerBytes) }
        return FNV1a.hash(UnsafeRawBufferPointer(rebasing: mapping[0..<header.headerBytes]))
    }

    /// The tensors in file order.
    public var tensors: [GGUFTensorInfo] { header.tensors }

    /// The tensor called `name`, if the file holds one.
    public func tensor(named name: String) -> GGUFTensorInfo? {
        indexByName[name].map { header.tensors[$0] }
    }

    /// Calls `body` with the stored bytes of `tensor` (one of this file's), valid only during the call.
    public func withBytes<R>(of tensor: GGUFTensorInfo, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard let own = self.tensor(named: tensor.name), own == tensor else {
            throw GGUFError(file: path, problem: .tensorNotInFile(tensor: tensor.name))
        }
        if tensor.byteCount == 0 { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        let start = header.dataStart + tensor.offset
        defer { releasePages(from: start, count: tensor.byteCount) }
        return try body(UnsafeRawBufferPointer(rebasing: mapping[start..<(start + tensor.byteCount)]))
    }

    /// Decodes rows `rows` of `tensor` (rows of ``GGUFTensorInfo/rowLength`` elements, in stored
    /// order) into `output`, which must hold `rows.count × rowLength` floats.
    ///
    /// - Throws: ``GGUFError/Problem/notDequantizable(tensor:type:)`` for types without a
    ///   dequantizer, ``GGUFError/Problem/tensorNotInFile(tensor:)`` for a foreign tensor.
    public func dequantize(_ tensor: GGUFTensorInfo, rows: Range<Int>, into output: UnsafeMutableBufferPointer<Float>) throws {
        guard tensor.type.isDequantizable else {
            throw GGUFError(file: path, problem: .notDequantizable(tensor: tensor.name, type: tensor.type))
        }
        precondition(rows.lowerBound >= 0 && rows.upperBound <= tensor.rowCount, "rows \(rows) out of 0..<\(tensor.rowCount)")
        precondition(output.count == rows.count * tensor.rowLength, "output holds \(output.count) floats, not \(rows.count * tensor.rowLength)")
        try withBytes(of: tensor) { bytes in
            let slice = UnsafeRawBufferPointer(rebasing: bytes[(rows.lowerBound * tensor.rowBytes)..<(rows.upperBound * tensor.rowBytes)])
            GGUFDequantizer.dequantize(tensor.type, slice, into: output)
        }
    }

    /// The whole of `tensor` as floats in stored order (numpy's C order of ``GGUFTensorInfo/shape``).
    public func dequantized(_ tensor: GGUFTensorInfo) throws -> [Float] {
        var values = [Float](repeating: 0, count: tensor.elementCount)
        try values.withUnsafeMutableBufferPointer { try dequantize(tensor, rows: 0..<tensor.rowCount, into: $0) }
        return values
    }

    /// Drops the pages spanning `count` bytes at `start` from this process (the page cache keeps them).
    private func releasePages(from start: Int, count: Int) {
        guard let base = mapping.baseAddress, count > 0 else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let first = start / page * page
        let end = min(mapping.count, (start + count + page - 1) / page * page)
        _ = madvise(UnsafeMutableRawPointer(mutating: base + first), end - first, Int32(MADV_DONTNEED))
    }
}
