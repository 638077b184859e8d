import Foundation
import XCTest

/// Under a tight address-space limit (`ulimit -v`) `spectra` stops with a sentence per matrix
/// naming the limit, instead of hanging inside OpenBLAS (whose per-thread buffer allocation
/// waits forever when it fails) or aborting in the Swift runtime.
///
/// The 300 MB case (too tight: the libraries take ~140 MB) must say so every time; the 400 MB case
/// runs several times: a worker thread of a multi-threaded OpenBLAS that lost the race for its
/// buffer used to hang the exit about one run in three (OpenBLAS now loads single-threaded under
/// such a limit, see `COpenBLAS.h`), and glibc's per-thread malloc arenas (64 MiB of address space
/// each) used to take the buffer's room after the headroom check, so OpenBLAS spun forever about
/// one run in ten on a loaded machine (one arena under a limit now, ``AddressSpace``).
final class AddressSpaceLimitTests: XCTestCase {
    func testTightLimitGivesSentencesNotAHang() throws {
        let directory = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/small.safetensors"
        let header = Array("{\"w\":{\"dtype\":\"F32\",\"shape\":[64,96],\"data_offsets\":[0,24576]}}".utf8)
        var length = UInt64(header.count).littleEndian
        var bytes = withUnsafeBytes(of: &length) { Array($0) } + header
        for i in 0..<(64 * 96) { bytes += withUnsafeBytes(of: Float(i % 7) - 3) { Array($0) } }
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))

        var sentences = 0
        for limit in Array(repeating: 300_000, count: 2) + Array(repeating: 400_000, count: 8) + [600_000] {
            let outcome = try Harness.rankscope(["spectra", "--no-cache", path], addressSpaceLimitKiB: limit,
                                                cacheHome: directory + "/cache", timeoutSeconds: 30)
            XCTAssertTrue([0, 1].contains(outcome.status), "limit \(limit) KiB: status \(outcome.status): \(outcome.stderr)")
            XCTAssertFalse(outcome.stderr.contains("Fatal error"), "no trace: \(outcome.stderr)")
            if outcome.status == 1 {
                XCTAssertTrue(outcome.stderr.contains("rankscope: w: ") && outcome.stderr.contains("ulimit -v"),
                              "names the tensor and the limit: \(outcome.stderr)")
                sentences += 1
            }
        }
        XCTAssertGreaterThanOrEqual(sentences, 2, "a 300 MB limit is too tight for the BLAS buffer, so those runs must say so")
    }
}
