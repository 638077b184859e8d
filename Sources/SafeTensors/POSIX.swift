#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over the few system calls this module needs, retrying on `EINTR` and
/// turning `errno` into readable text (public for the other file-format modules, such as GGUF).
public enum POSIX {
    /// The text of an `errno` value, e.g. "No space left on device".
    public static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }

    /// `stat(2)`; `nil` with `errno` set on failure.
    public static func status(of path: String) -> stat? {
        var info = stat()
        return stat(path, &info) == 0 ? info : nil
    }

    /// `stat(2)` of a path the user named, failing with the sentence a user needs: no such
    /// file, or why it cannot be opened.
    static func existingStatus(of path: String) throws -> stat {
        guard let info = status(of: path) else {
            let code = errno
            throw SafeTensorsError(
                file: path, problem: code == ENOENT || code == ENOTDIR ? .noSuchFile : .cannotOpen(reason: describe(code)))
        }
        return info
    }

    /// True when `info` describes a directory.
    public static func isDirectory(_ info: stat) -> Bool { (info.st_mode & S_IFMT) == S_IFDIR }

    /// True when `info` describes a regular file.
    public static func isRegularFile(_ info: stat) -> Bool { (info.st_mode & S_IFMT) == S_IFREG }

    /// Modification time in nanoseconds since the epoch.
    public static func modificationNanoseconds(_ info: stat) -> Int64 {
        #if canImport(Darwin)
        let spec = info.st_mtimespec
        #else
        let spec = info.st_mtim
        #endif
        let (seconds, o1) = Int64(spec.tv_sec).multipliedReportingOverflow(by: 1_000_000_000)
        let (total, o2) = seconds.addingReportingOverflow(Int64(spec.tv_nsec))
        return o1 || o2 ? Int64(spec.tv_sec) : total
    }

    /// Reads exactly `count` bytes at `offset` into `buffer`; returns an error text on failure.
    public static func readFully(fd: Int32, into buffer: UnsafeMutableRawBufferPointer, offset: Int) -> String? {
        var done = 0
        while done < buffer.count {
            guard let base = buffer.baseAddress else { return nil }
            let n = pread(fd, base + done, buffer.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                return describe(errno)
            }
            if n == 0 { return "the file ended early, after \(offset + done) bytes; it may be changing" }
            done += n
        }
        return nil
    }

    /// Writes all of `buffer`; returns an error text on failure.
    static func writeFully(fd: Int32, _ buffer: UnsafeRawBufferPointer) -> String? {
        var done = 0
        while done < buffer.count {
            guard let base = buffer.baseAddress else { return nil }
            let n = write(fd, base + done, buffer.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                return describe(errno)
            }
            if n == 0 { return "the system wrote nothing" }
            done += n
        }
        return nil
    }
}
