#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// An exclusive `flock` on `.rankscope.lock` in the output folder, so two jobs never write the same
/// folder. The kernel releases it when the process ends, however it ends (`kill -9` included),
/// so a stale lock never blocks a later `--resume`.
final class OutputLock {
    /// The lock file's name inside the output folder.
    static let fileName = ".rankscope.lock"

    private let path: String
    private var descriptor: Int32

    /// Takes the lock of `folder` (which must exist), or throws ``JobError/locked(folder:holder:)``
    /// naming the process holding it.
    init(folder: String) throws {
        path = folder + "/" + OutputLock.fileName
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw JobError.fileSystem(path: path, reason: "cannot create the lock file (\(String(cString: strerror(errno))))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            throw JobError.locked(folder: folder, holder: holder.isEmpty ? "another process" : "process \(holder)")
        }
        descriptor = fd
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit { release(removingFile: false) }

    /// Releases the lock; `removingFile` deletes the lock file first (when the folder is finished).
    func release(removingFile: Bool) {
        guard descriptor >= 0 else { return }
        if removingFile { unlink(path) }
        close(descriptor)
        descriptor = -1
    }
}
