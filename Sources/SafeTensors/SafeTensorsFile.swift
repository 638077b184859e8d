#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// One open `.safetensors` file: its validated header, its identity on disk, and lazy
/// memory-mapped access to tensor bytes.
///
/// Opening reads only the 8-byte length prefix and the header with `pread`, never the data,
/// so a 30 GB file opens in milliseconds. Tensor bytes are reached through
/// ``withBytes(of:_:)``, which maps the whole file read-only on first use (once, under a lock)
/// and hands out slices of that mapping (whose pages are dropped again after each use, so memory
/// stays about one tensor); the mapping is released when the object is freed.
/// The file descriptor stays open for the object's lifetime so the mapping always refers to the
/// file that was validated, even if the path is replaced meanwhile.
///
/// If another process truncates the file while it is mapped, touching the lost pages raises
/// `SIGBUS`; this is inherent to memory mapping. Mapping re-checks the size and refuses a file
/// that changed size since it was opened.
public final class SafeTensorsFile: @unchecked Sendable {
    /// The path as given to ``init(path:)``.
    public let path: String
    /// The validated header.
    public let header: SafeTensorsHeader
    /// The file's size in bytes when it was opened.
    public let fileSize: Int
    /// The file's modification time (nanoseconds since the Unix epoch) when it was opened.
    public let modificationTimeNanoseconds: Int64
    /// The file's inode number.
    public let inode: UInt64
    /// The ID of the device holding the file.
    public let device: UInt64
    /// FNV-1a 64 of the N header bytes exactly as stored (padding included).
    public let headerFingerprint: UInt64

    private let descriptor: Int32
    private let lock = NSLock()
    /// The whole-file mapping, created on first use; guarded by `lock`.
    private var mapping: UnsafeRawBufferPointer?
    private let indexByName: [String: Int]

    /// Opens and validates a safetensors file, reading only its prefix and header.
    public init(path: String) throws {
        func fail(_ problem: SafeTensorsError.Problem) -> SafeTensorsError {
            SafeTensorsError(file: path, problem: problem)
        }
        let info = try POSIX.existingStatus(of: path)
        if POSIX.isDirectory(info) { throw fail(.isDirectory) }
        guard POSIX.isRegularFile(info) else { throw fail(.cannotOpen(reason: "it is not a regular file")) }

        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw fail(code == ENOENT ? .noSuchFile : .cannotOpen(reason: POSIX.describe(code)))
        }
        var ok = false
        defer { if !ok { close(fd) } }

        var current = stat()
        guard fstat(fd, &current) == 0 else { throw fail(.readFailed(reason: POSIX.describe(errno))) }
        let size = Int(current.st_size)
        try SafeTensorsHeader.checkFileSize(size, file: path)

        var prefix = [UInt8](repeating: 0, count: 8)
        if let reason = prefix.withUnsafeMutableBytes({ POSIX.readFully(fd: fd, into: $0, offset: 0) }) {
            throw fail(.readFailed(reason: reason))
        }
        let headerLength = try prefix.withUnsafeBytes {
            try SafeTensorsHeader.declaredLength(prefix: $0, fileSize: size, file: path)
        }
        var headerBytes = [UInt8](repeating: 0, count: headerLength)
        if let reason = headerBytes.withUnsafeMutableBytes({ POSIX.readFully(fd: fd, into: $0, offset: 8) }) {
            throw fail(.readFailed(reason: reason))
        }
        let bufferLength = size - 8 - headerLength
        let header = try headerBytes.withUnsafeBytes {
            try SafeTensorsHeader.parse(headerBytes: $0, bufferLength: bufferLength, file: path)
        }

        self.path = path
        self.header = header
        self.fileSize = size
        self.modificationTimeNanoseconds = POSIX.modificationNanoseconds(current)
        self.inode = UInt64(current.st_ino)
        self.device = UInt64(current.st_dev)
        self.headerFingerprint = headerBytes.withUnsafeBytes { FNV1a.hash($0) }
        self.descriptor = fd
        var index: [String: Int] = [:]
        index.reserveCapacity(header.tensors.count)
        for (i, tensor) in header.tensors.enumerated() { index[tensor.name] = i }
        self.indexByName = index
        ok = true
    }

    deinit {
        if let mapping, let base = mapping.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), mapping.count)
        }
        close(descriptor)
    }

    /// The file's identity for the spectrum cache.
    public var identity: FileIdentity {
        FileIdentity(path: path, size: fileSize, modificationTimeNanoseconds: modificationTimeNanoseconds,
                     inode: inode, device: device, headerFingerprint: headerFingerprint)
    }

    /// The tensors in header order.
    public var tensors: [TensorInfo] { header.tensors }

    /// The `__metadata__` map, if any.
    public var metadata: [String: String]? { header.metadata }

    /// The tensor with `name`, if the file holds one.
    public func tensor(named name: String) -> TensorInfo? {
        indexByName[name].map { header.tensors[$0] }
    }

    /// Calls `body` with the bytes of `tensor` (which must come from this file's header),
    /// read-only and valid only during the call. The file is memory-mapped on first use.
    /// A zero-size tensor gets an empty buffer without mapping anything.
    public func withBytes<R>(of tensor: TensorInfo, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard let own = self.tensor(named: tensor.name), own == tensor else {
            throw SafeTensorsError(file: path, problem: .tensorNotInFile(tensor: tensor.name))
        }
        if tensor.byteCount == 0 {
            return try body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        let whole = try mapped()
        let start = header.dataStart + tensor.dataBegin
        defer { releasePages(of: whole, from: start, count: tensor.byteCount) }
        return try body(UnsafeRawBufferPointer(rebasing: whole[start..<(start + tensor.byteCount)]))
    }

    /// Drops the pages spanning `count` bytes at `start` from this process's mapping
    /// (`madvise(MADV_DONTNEED)`), so reading a whole checkpoint tensor by tensor keeps the
    /// resident set at about one tensor instead of growing to the file's size. The data stays in
    /// the kernel's page cache and a later read faults it back in; the mapping is read-only, so
    /// nothing is lost, whatever another thread is reading nearby.
    private func releasePages(of whole: UnsafeRawBufferPointer, from start: Int, count: Int) {
        guard let base = whole.baseAddress, count > 0 else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let first = start / page * page
        let end = min(whole.count, (start + count + page - 1) / page * page)
        _ = madvise(UnsafeMutableRawPointer(mutating: base + first), end - first, Int32(MADV_DONTNEED))
    }

    /// A copy of the bytes of `tensor`; convenient for small tensors and tests.
    public func bytes(of tensor: TensorInfo) throws -> [UInt8] {
        try withBytes(of: tensor) { Array($0) }
    }

    /// The whole-file mapping, created once.
    private func mapped() throws -> UnsafeRawBufferPointer {
        lock.lock()
        defer { lock.unlock() }
        if let mapping { return mapping }
        var current = stat()
        guard fstat(descriptor, &current) == 0 else {
            throw SafeTensorsError(file: path, problem: .mapFailed(reason: POSIX.describe(errno)))
        }
        guard Int(current.st_size) == fileSize else {
            throw SafeTensorsError(
                file: path,
                problem: .mapFailed(reason: "the file changed size from \(fileSize) to \(current.st_size) bytes since it was opened"))
        }
        MappedFileFault.register(path: path, size: fileSize)  // a later truncation is a sentence, not a crash
        let address = mmap(nil, fileSize, PROT_READ, MAP_SHARED, descriptor, 0)
        guard let address, address != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw SafeTensorsError(file: path, problem: .mapFailed(reason: POSIX.describe(errno)))
        }
        let buffer = UnsafeRawBufferPointer(start: address, count: fileSize)
        mapping = buffer
        return buffer
    }
}
