import StrictJSON

/// A problem with a safetensors file, a sharded index, a model config or a write, naming the file.
///
/// The description is one sentence a person can act on, starting with the file:
/// `model.safetensors: header length 9223372036854775808 is beyond the file size of 120 bytes.`
public struct SafeTensorsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Everything that can go wrong, one case per failure.
    public enum Problem: Equatable, Sendable {
        /// The path does not exist.
        case noSuchFile
        /// The path is a directory where a file was expected.
        case isDirectory
        /// The file could not be opened, for the given system reason.
        case cannotOpen(reason: String)
        /// Reading failed, for the given system reason.
        case readFailed(reason: String)
        /// Memory-mapping the file failed, for the given system reason.
        case mapFailed(reason: String)
        /// The file has zero bytes.
        case emptyFile
        /// The file is shorter than the 8-byte header-length prefix.
        case fileTooShort(size: Int)
        /// The declared header length does not fit inside the file.
        case headerBeyondFile(headerLength: UInt64, fileSize: Int)
        /// The declared header length is over the reference limit of 100,000,000 bytes.
        case headerTooLarge(headerLength: UInt64)
        /// The header bytes are not valid UTF-8.
        case headerInvalidUTF8(offset: Int)
        /// The header is not valid JSON; the detail is the parser's `line L, column C: …` text.
        case headerNotJSON(detail: String)
        /// The header is valid JSON but not an object.
        case headerNotObject(found: String)
        /// The header is a JSON object but does not begin with `{` (e.g. leading whitespace).
        case headerStartsWithoutBrace
        /// The header holds the same key twice.
        case duplicateKey(name: String, position: SourcePosition)
        /// `__metadata__` is not an object of strings.
        case invalidMetadata(detail: String)
        /// A tensor entry is not an object.
        case tensorEntryNotObject(tensor: String)
        /// A tensor entry lacks a required field (`dtype`, `shape` or `data_offsets`).
        case missingField(tensor: String, field: String)
        /// A tensor's dtype is not a known whole-byte safetensors dtype.
        case unknownDType(tensor: String, dtype: String)
        /// A tensor's shape is not an array of non-negative integers.
        case invalidShape(tensor: String, detail: String)
        /// A tensor's `data_offsets` is not an array of two integers.
        case malformedOffsets(tensor: String)
        /// A tensor's `data_offsets` holds a negative number.
        case negativeOffset(tensor: String, value: String)
        /// A tensor's end offset is before its begin offset.
        case reversedOffsets(tensor: String, begin: Int, end: Int)
        /// A tensor's end offset lies beyond the data buffer.
        case offsetBeyondBuffer(tensor: String, end: String, bufferLength: Int)
        /// The product of a tensor's shape (times its element size) overflows 64 bits.
        case shapeOverflow(tensor: String)
        /// A tensor's byte range does not match element count × element size.
        case byteSizeMismatch(tensor: String, shape: [Int], dtype: DType, expected: Int, actual: Int)
        /// Tensors leave unused bytes between them (or before the first one).
        case gap(previous: String?, tensor: String, expectedBegin: Int, begin: Int)
        /// Two tensors share bytes.
        case overlap(previous: String, tensor: String, previousEnd: Int, begin: Int)
        /// The tensors do not end exactly at the end of the file.
        case bufferLengthMismatch(dataEnd: Int, bufferLength: Int)
        /// A tensor handed to `withBytes` does not belong to this file.
        case tensorNotInFile(tensor: String)
        /// An index, config or other JSON file is not valid JSON.
        case jsonNotValid(detail: String)
        /// An index or config file is JSON but not an object.
        case jsonNotObject(found: String)
        /// The index has no `weight_map`.
        case indexMissingWeightMap
        /// The index's `weight_map` is not an object.
        case indexWeightMapNotObject(found: String)
        /// A `weight_map` value is not a string.
        case indexShardNotString(tensor: String)
        /// A shard name holds a path separator or `..`, which could reach outside the folder.
        case indexUnsafeShardName(tensor: String, shard: String)
        /// A shard named by the index does not exist.
        case missingShard(shard: String)
        /// The index names a JSON index (itself or another) as a shard: a cycle, not a tensor file.
        case indexShardIsIndex(tensor: String, shard: String)
        /// A tensor listed in the index is absent from the shard it names.
        case tensorMissingFromShard(tensor: String, shard: String)
        /// The same tensor name is present in two files.
        case tensorInTwoShards(tensor: String, first: String, second: String)
        /// A folder holds no `.safetensors` file.
        case noSafeTensorsInFolder
        /// A folder holds several `*.safetensors.index.json` files and none is the standard one.
        case ambiguousIndex(candidates: [String])
        /// The writer was given two tensors with the same name.
        case duplicateTensorName(name: String)
        /// The writer was given a tensor name that cannot be used (`__metadata__`).
        case reservedTensorName(name: String)
        /// More bytes were appended than the layout holds.
        case tooManyBytes(expected: Int, received: Int)
        /// `finish()` was called before all bytes were appended.
        case incompleteData(expected: Int, written: Int)
        /// The data given for one tensor has the wrong size.
        case dataSizeMismatch(tensor: String, expected: Int, actual: Int)
        /// The writer was used after `finish()` or `abandon()`.
        case writerClosed
        /// Writing, syncing or renaming failed, for the given system reason.
        case writeFailed(reason: String)
    }

    /// The file the problem is about, as given by the caller.
    public let file: String
    /// What went wrong.
    public let problem: Problem

    /// Creates an error about `file`.
    public init(file: String, problem: Problem) {
        self.file = file
        self.problem = problem
    }

    /// `file: sentence.`
    public var description: String { "\(file): \(problem.sentence)." }
}

extension SafeTensorsError.Problem {
    /// The problem as a sentence without the file name and without the final period.
    var sentence: String {
        switch self {
        case .noSuchFile:
            return "no such file or folder"
        case .isDirectory:
            return "is a folder, not a safetensors file"
        case .cannotOpen(let reason):
            return "cannot be opened (\(reason))"
        case .readFailed(let reason):
            return "reading failed (\(reason))"
        case .mapFailed(let reason):
            return "memory-mapping failed (\(reason))"
        case .emptyFile:
            return "the file is empty, so it has no 8-byte header length"
        case .fileTooShort(let size):
            return "the file is \(size) bytes long, shorter than the 8-byte header length"
        case .headerBeyondFile(let length, let size):
            return "header length \(length) is beyond the file size of \(size) bytes"
        case .headerTooLarge(let length):
            return "header length \(length) is over the 100000000-byte limit, so the header is too large"
        case .headerInvalidUTF8(let offset):
            return "the header is not valid UTF-8 at byte \(offset) of the header"
        case .headerNotJSON(let detail):
            return "the header is not valid JSON (\(detail.trimmingFinalPeriod))"
        case .headerNotObject(let found):
            return "the header is \(found), but it must be a JSON object"
        case .headerStartsWithoutBrace:
            return "the header does not begin with '{'"
        case .duplicateKey(let name, let position):
            return "the header lists \"\(name)\" twice (again at \(position))"
        case .invalidMetadata(let detail):
            return "__metadata__ is invalid: \(detail)"
        case .tensorEntryNotObject(let tensor):
            return "the entry of tensor '\(tensor)' is not a JSON object"
        case .missingField(let tensor, let field):
            return "tensor '\(tensor)' has no \"\(field)\""
        case .unknownDType(let tensor, let dtype):
            return "tensor '\(tensor)' has unknown dtype '\(dtype)'"
        case .invalidShape(let tensor, let detail):
            return "tensor '\(tensor)' has an invalid shape: \(detail)"
        case .malformedOffsets(let tensor):
            return "tensor '\(tensor)' has data_offsets that are not two integers"
        case .negativeOffset(let tensor, let value):
            return "tensor '\(tensor)' has negative data offset \(value)"
        case .reversedOffsets(let tensor, let begin, let end):
            return "tensor '\(tensor)' ends at byte \(end) before it begins at byte \(begin)"
        case .offsetBeyondBuffer(let tensor, let end, let bufferLength):
            return "tensor '\(tensor)' ends at byte \(end), beyond the \(bufferLength)-byte data buffer"
        case .shapeOverflow(let tensor):
            return "the byte size of tensor '\(tensor)' (shape product times element size) overflows 64 bits"
        case .byteSizeMismatch(let tensor, let shape, let dtype, let expected, let actual):
            return "tensor '\(tensor)' spans \(actual) bytes but shape \(shape) of \(dtype.rawValue) needs \(expected)"
        case .gap(let previous, let tensor, let expectedBegin, let begin):
            if let previous {
                return "there is a gap of \(begin - expectedBegin) bytes between tensor '\(previous)' (ending at byte \(expectedBegin)) and tensor '\(tensor)' (beginning at byte \(begin))"
            }
            return "the first tensor '\(tensor)' begins at byte \(begin) instead of 0, leaving a gap"
        case .overlap(let previous, let tensor, let previousEnd, let begin):
            return "tensor '\(tensor)' begins at byte \(begin) and overlaps tensor '\(previous)', which ends at byte \(previousEnd)"
        case .bufferLengthMismatch(let dataEnd, let bufferLength):
            return "the tensors end at byte \(dataEnd) of the data buffer but the buffer holds \(bufferLength) bytes"
        case .tensorNotInFile(let tensor):
            return "tensor '\(tensor)' does not belong to this file"
        case .jsonNotValid(let detail):
            return "not valid JSON (\(detail.trimmingFinalPeriod))"
        case .jsonNotObject(let found):
            return "the file holds \(found), but it must be a JSON object"
        case .indexMissingWeightMap:
            return "the index has no \"weight_map\""
        case .indexWeightMapNotObject(let found):
            return "the index's \"weight_map\" is \(found), but it must be an object"
        case .indexShardNotString(let tensor):
            return "the index maps tensor '\(tensor)' to something other than a file name string"
        case .indexUnsafeShardName(let tensor, let shard):
            return "the index maps tensor '\(tensor)' to '\(shard)', which is not a plain file name in the same folder"
        case .missingShard(let shard):
            return "shard '\(shard)' named by the index does not exist"
        case .indexShardIsIndex(let tensor, let shard):
            return "the index maps tensor '\(tensor)' to '\(shard)', which is an index file, not a .safetensors shard"
        case .tensorMissingFromShard(let tensor, let shard):
            return "tensor '\(tensor)' is listed in the index but absent from its shard '\(shard)'"
        case .tensorInTwoShards(let tensor, let first, let second):
            return "tensor '\(tensor)' is present in both '\(first)' and '\(second)'"
        case .noSafeTensorsInFolder:
            return "the folder holds no .safetensors file"
        case .ambiguousIndex(let candidates):
            return "the folder holds several index files (\(candidates.joined(separator: ", "))) and none is model.safetensors.index.json"
        case .duplicateTensorName(let name):
            return "tensor name '\(name)' is given twice"
        case .reservedTensorName(let name):
            return "'\(name)' is reserved and cannot name a tensor"
        case .tooManyBytes(let expected, let received):
            return "received \(received) data bytes but the layout holds only \(expected)"
        case .incompleteData(let expected, let written):
            return "only \(written) of \(expected) data bytes were written before finishing"
        case .dataSizeMismatch(let tensor, let expected, let actual):
            return "the data for tensor '\(tensor)' is \(actual) bytes but its shape and dtype need \(expected)"
        case .writerClosed:
            return "the writer was already finished or abandoned"
        case .writeFailed(let reason):
            return "writing failed (\(reason))"
        }
    }
}
