import Foundation
import XCTest
@testable import SafeTensors

final class WriterTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = try makeTemporaryFolder("writer")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    func testLayoutFollowsReferenceOrder() throws {
        let specs = [
            TensorSpec(name: "b", dtype: .F16, shape: [2]),
            TensorSpec(name: "a", dtype: .F16, shape: [2]),
            TensorSpec(name: "c", dtype: .U8, shape: [3]),
            TensorSpec(name: "d", dtype: .U64, shape: [1]),
            TensorSpec(name: "e", dtype: .F32, shape: [1]),
        ]
        let (header, layout) = try SafeTensorsWriter.serializedHeader(tensors: specs, metadata: nil)
        XCTAssertEqual(layout.map(\.name), ["d", "e", "a", "b", "c"])
        XCTAssertEqual(layout.map(\.dataBegin), [0, 8, 12, 16, 20])
        XCTAssertEqual(header.count % 8, 0)
        XCTAssertEqual(String(decoding: header, as: UTF8.self).trimmingCharacters(in: .whitespaces),
                       #"{"d":{"dtype":"U64","shape":[1],"data_offsets":[0,8]},"e":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"a":{"dtype":"F16","shape":[2],"data_offsets":[12,16]},"b":{"dtype":"F16","shape":[2],"data_offsets":[16,20]},"c":{"dtype":"U8","shape":[3],"data_offsets":[20,23]}}"#)
    }

    func testReferenceSerializationVector() throws {
        // The byte vector from the reference implementation's own test_serialization.
        let path = folder + "/ref.safetensors"
        let floats: [Float] = [0, 1, 2, 3, 4, 5]
        let data = floats.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } }
        try SafeTensorsWriter.write(path: path, tensors: [(TensorSpec(name: "attn.0", dtype: .F32, shape: [1, 2, 3]), data)])
        let expected: [UInt8] = [
            64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
            116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
            58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
            101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
            0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
        ]
        XCTAssertEqual(try Array(XCTUnwrap(FileManager.default.contents(atPath: path))), expected)
        // And the empty file with metadata, also from the reference tests.
        let empty = folder + "/empty.safetensors"
        try SafeTensorsWriter.write(path: empty, tensors: [], metadata: ["framework": "pt"])
        XCTAssertEqual(try Array(XCTUnwrap(FileManager.default.contents(atPath: empty))), [
            40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
            95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
            116, 34, 125, 125, 32, 32, 32, 32, 32,
        ])
    }

    func testStreamingWritesToTemporaryNameThenRenames() throws {
        let path = folder + "/out.safetensors"
        let specs = [TensorSpec(name: "w", dtype: .F32, shape: [300, 500]), TensorSpec(name: "b", dtype: .BF16, shape: [500])]
        let writer = try SafeTensorsWriter(path: path, tensors: specs, metadata: ["k": "v"])
        XCTAssertEqual(writer.layout.map(\.name), ["w", "b"])
        XCTAssertTrue(exists(writer.temporaryPath))
        XCTAssertTrue(PathNames.lastComponent(of: writer.temporaryPath).hasPrefix(".out.safetensors.partial-"))
        XCTAssertFalse(exists(path))
        let data = pseudoRandomBytes(writer.totalDataBytes, seed: 9)
        var position = 0
        var step = 1
        while position < data.count {
            let end = min(data.count, position + step)
            try writer.append(Array(data[position..<end]))
            position = end
            step = step * 3 % 1_000_003 + 1
        }
        XCTAssertFalse(exists(path), "nothing appears at the final path before finish()")
        try writer.finish()
        XCTAssertTrue(exists(path))
        XCTAssertFalse(exists(writer.temporaryPath))
        let file = try SafeTensorsFile(path: path)
        XCTAssertEqual(file.metadata, ["k": "v"])
        XCTAssertEqual(try file.bytes(of: XCTUnwrap(file.tensor(named: "w"))), Array(data[0..<600_000]))
        XCTAssertEqual(try file.bytes(of: XCTUnwrap(file.tensor(named: "b"))), Array(data[600_000...]))
        assertProblem(try writer.append([1]), file: path) { $0 == .writerClosed }
    }

    func testAbandonAndDeinitRemoveTheTemporaryFile() throws {
        let path = folder + "/x.safetensors"
        let writer = try SafeTensorsWriter(path: path, tensors: [TensorSpec(name: "a", dtype: .U8, shape: [4])], metadata: nil)
        let temporary = writer.temporaryPath
        try writer.append([1, 2])
        writer.abandon()
        XCTAssertFalse(exists(temporary))
        XCTAssertFalse(exists(path))

        var dropped: SafeTensorsWriter? = try SafeTensorsWriter(path: path, tensors: [TensorSpec(name: "a", dtype: .U8, shape: [4])], metadata: nil)
        XCTAssertTrue(exists(temporary))
        dropped = nil
        XCTAssertNil(dropped)
        XCTAssertFalse(exists(temporary))
    }

    func testIncompleteAndExcessData() throws {
        let path = folder + "/y.safetensors"
        let writer = try SafeTensorsWriter(path: path, tensors: [TensorSpec(name: "a", dtype: .U16, shape: [2])], metadata: nil)
        assertProblem(try writer.append([1, 2, 3, 4, 5]), file: path) { $0 == .tooManyBytes(expected: 4, received: 5) }
        try writer.append([1, 2, 3])
        assertProblem(try writer.finish(), file: path) { $0 == .incompleteData(expected: 4, written: 3) }
        XCTAssertFalse(exists(writer.temporaryPath))
        XCTAssertFalse(exists(path))
    }

    func testInvalidSpecs() {
        let path = folder + "/z.safetensors"
        assertProblem(try SafeTensorsWriter(path: path, tensors: [TensorSpec(name: "a", dtype: .U8, shape: [1]), TensorSpec(name: "a", dtype: .F32, shape: [1])]), file: path) {
            $0 == .duplicateTensorName(name: "a")
        }
        assertProblem(try SafeTensorsWriter(path: path, tensors: [TensorSpec(name: "__metadata__", dtype: .U8, shape: [1])]), file: path) {
            $0 == .reservedTensorName(name: "__metadata__")
        }
        assertProblem(try SafeTensorsWriter(path: path, tensors: [TensorSpec(name: "big", dtype: .F32, shape: [1 << 40, 1 << 40])]), file: path) {
            $0 == .shapeOverflow(tensor: "big")
        }
        assertProblem(try SafeTensorsWriter.write(path: path, tensors: [(TensorSpec(name: "a", dtype: .F32, shape: [2]), [1, 2, 3])]), file: path) {
            $0 == .dataSizeMismatch(tensor: "a", expected: 8, actual: 3)
        }
        let missing = folder + "/no/such/folder/out.safetensors"
        assertProblem(try SafeTensorsWriter(path: missing, tensors: []), file: missing) {
            if case .writeFailed(let reason) = $0 { return reason.contains("No such file") }
            return false
        }
        XCTAssertFalse(exists(path))
    }

    func testWriteErrorsSurfaceAsErrorsNamingTheFile() throws {
        // Limit the file size this process may write (like a full disk), ignoring SIGXFSZ so
        // write(2) fails with EFBIG instead of killing the test process.
        var original = rlimit()
        XCTAssertEqual(getrlimit(RLIMIT_FSIZE_VALUE, &original), 0)
        let previousHandler = signal(SIGXFSZ, SIG_IGN)
        var limited = original
        limited.rlim_cur = 1 << 20
        XCTAssertEqual(setrlimit(RLIMIT_FSIZE_VALUE, &limited), 0)
        defer {
            _ = setrlimit(RLIMIT_FSIZE_VALUE, &original)
            signal(SIGXFSZ, previousHandler)
        }
        let path = folder + "/full.safetensors"
        let writer = try SafeTensorsWriter(path: path, tensors: [TensorSpec(name: "w", dtype: .F32, shape: [1024, 1024])], metadata: nil)
        let chunk = [UInt8](repeating: 7, count: 1 << 20)
        var failure: Error?
        do {
            for _ in 0..<4 { try writer.append(chunk) }
            try writer.finish()
        } catch {
            failure = error
        }
        let error = try XCTUnwrap(failure as? SafeTensorsError)
        XCTAssertEqual(error.file, path)
        guard case .writeFailed = error.problem else { return XCTFail("unexpected \(error)") }
        XCTAssertTrue(error.description.hasPrefix(path + ": writing failed ("), error.description)
        writer.abandon()
        XCTAssertFalse(exists(path))
        XCTAssertFalse(exists(writer.temporaryPath))
    }
}

#if canImport(Glibc)
import Glibc
/// `RLIMIT_FSIZE` as the type `getrlimit` takes on glibc.
private let RLIMIT_FSIZE_VALUE = __rlimit_resource_t(RLIMIT_FSIZE.rawValue)
#else
import Darwin
private let RLIMIT_FSIZE_VALUE = RLIMIT_FSIZE
#endif
