import Foundation

/// glibc's `mallopt(3)`.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32

/// The process's virtual address space: its limit (`ulimit -v`, `RLIMIT_AS`) and what is in use.
///
/// Under a limit, OpenBLAS is the fragile part: each thread's first BLAS call allocates a work
/// buffer of ``blasBufferBytes``, and when that allocation fails OpenBLAS waits forever instead
/// of failing. So work that calls BLAS checks the headroom first (``requireHeadroom(bytes:for:)``)
/// and turns a shortfall into an error a person can act on.
public enum AddressSpace {
    /// OpenBLAS's per-thread work buffer (Debian's build: 128 MiB plus a page, its `BUFFER_SIZE`).
    public static let blasBufferBytes = 128 << 20 + 4096

    /// The soft `RLIMIT_AS` in bytes, nil when unlimited.
    public static var limit: Int? {
        var limits = rlimit()
        guard getrlimit(Int32(RLIMIT_AS.rawValue), &limits) == 0, limits.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: limits.rlim_cur)
    }

    /// Bytes of address space in use now (`/proc/self/statm`'s first field), nil if unknown.
    public static var used: Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = text.split(separator: " ").first.flatMap({ Int($0) }) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Under a limit, makes every thread allocate from glibc's one main malloc arena. By default
    /// each thread that allocates gets an arena of its own, and each such arena reserves 64 MiB of
    /// address space at once: a few worker threads starting after a headroom check
    /// (``requireHeadroom(bytes:for:)``) took 192 MiB of a 400 MiB limit, OpenBLAS's buffer then
    /// failed to allocate and its thread spun forever (a `spectra` under `ulimit -v 400000` hung
    /// in about one run in 40 on a loaded machine). Call it first thing, before any thread starts.
    public static func shareOneMallocArenaUnderALimit() {
        guard limit != nil else { return }
        _ = glibcMallopt(glibcArenaMax, 1)
    }

    /// glibc's `M_ARENA_MAX` (`<malloc.h>`, which Swift's Glibc module does not import).
    private static let glibcArenaMax: Int32 = -8

    /// Room kept free beyond what a computation asks for: the allocator, thread stacks and
    /// OpenBLAS's own bookkeeping take some, and running out inside OpenBLAS hangs.
    public static let safetyMargin = 64 << 20

    /// How many of `wanted` workers, each needing `bytesPerWorker` plus a BLAS buffer, fit under
    /// the limit now (all of them when there is no limit; at least 1, whose own check then fails).
    public static func workersThatFit(_ wanted: Int, bytesPerWorker: Double) -> Int {
        guard let limit, let used else { return wanted }
        let perWorker = bytesPerWorker + Double(blasBufferBytes)
        let fitting = (Double(limit - used - safetyMargin) / perWorker).rounded(.down)
        return max(1, min(wanted, fitting.isFinite ? Int(max(0, fitting)) : wanted))
    }

    /// Throws ``LinearAlgebraError/insufficientAddressSpace(purpose:needed:available:limit:)``
    /// when a limit is set and `bytes` more (plus a BLAS work buffer and ``safetyMargin``) would
    /// not fit under it.
    /// The BLAS buffer counts only on a thread's first check: OpenBLAS keeps it for later calls.
    public static func requireHeadroom(bytes: Double, for purpose: String) throws {
        guard let limit, let used else { return }
        let dictionary = Thread.current.threadDictionary
        let bufferKey = "rankscope.blasBufferReserved"
        let buffer = dictionary[bufferKey] == nil ? blasBufferBytes : 0
        let needed = bytes + Double(buffer + safetyMargin)
        let available = Double(limit - used)
        if needed > available {
            throw LinearAlgebraError.insufficientAddressSpace(
                purpose: purpose, needed: needed, available: max(0, available), limit: Double(limit))
        }
        dictionary[bufferKey] = true
    }
}
