/// A problem with a GGUF file, naming the file, as one sentence a person can act on:
/// `model.gguf: the tensor count 1152921504606846976 cannot fit in the 900 bytes left in the file.`
public struct GGUFError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Everything that can go wrong reading a GGUF file, one case per defect.
    public enum Problem: Equatable, Sendable {
        /// The path does not exist.
        case noSuchFile
        /// The path is a folder.
        case isDirectory
        /// The file could not be opened, for the given system reason.
        case cannotOpen(reason: String)
        /// Memory-mapping the file failed, for the given system reason.
        case mapFailed(reason: String)
        /// The first four bytes are not `GGUF`.
        case badMagic(found: [UInt8])
        /// The version is not 2 or 3 (version 1 used 32-bit counts and is obsolete).
        case unsupportedVersion(UInt32)
        /// The version reads as a byte-swapped 2 or 3: a big-endian GGUF, which this reader does not handle.
        case bigEndian(version: UInt32)
        /// The file ends inside `what`, which needs `needed` bytes from byte `offset`.
        case truncated(what: String, offset: Int, needed: UInt64, fileSize: Int)
        /// A count (`what`) is larger than the bytes left in the file could hold.
        case countTooLarge(what: String, count: UInt64, remaining: Int)
        /// A string (key, tensor name) is not valid UTF-8.
        case invalidUTF8(what: String, offset: Int)
        /// The same metadata key appears twice.
        case duplicateKey(key: String)
        /// A metadata value's type code is not one of GGUF's 13 value types.
        case unknownValueType(key: String, code: UInt32)
        /// Arrays nest deeper than the reader allows.
        case arrayTooDeep(key: String, depth: Int)
        /// `general.alignment` is not a `UINT32` power of two.
        case badAlignment(detail: String)
        /// A tensor has more dimensions than ggml's four.
        case tooManyDimensions(tensor: String, count: UInt32)
        /// A tensor's element or byte count overflows 64 bits.
        case sizeOverflow(tensor: String, dimensions: [UInt64])
        /// A tensor's type code is not a ggml type.
        case unknownTensorType(tensor: String, code: UInt32)
        /// A tensor's row length is not a whole number of its type's blocks.
        case partialBlock(tensor: String, rowLength: UInt64, type: GGMLType)
        /// Two tensors share a name.
        case duplicateTensor(name: String)
        /// A tensor's offset is not a multiple of the alignment.
        case misalignedOffset(tensor: String, offset: UInt64, alignment: Int)
        /// A tensor's bytes run past the end of the file.
        case tensorBeyondFile(tensor: String, begin: UInt64, byteCount: UInt64, dataSize: Int)
        /// Two tensors share bytes.
        case overlap(tensor: String, other: String, begin: UInt64, otherEnd: UInt64)
        /// A tensor handed to the file is not one of its own.
        case tensorNotInFile(tensor: String)
        /// A metadata key needed for `purpose` is absent or not an integer.
        case missingMetadata(key: String, purpose: String)
        /// A permuted Q/K weight's rows are not a whole number of head pairs.
        case headsDoNotDivide(tensor: String, rows: Int, heads: Int)
        /// A tensor's type has no dequantizer here.
        case notDequantizable(tensor: String, type: GGMLType)
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

    /// `file: sentence.`, on one line: control characters a hostile name may hold are escaped.
    public var description: String {
        var text = ""
        for scalar in "\(file): \(problem.sentence).".unicodeScalars {
            if scalar.properties.generalCategory == .control {
                text += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return text
    }

    /// A name as messages show it: at most 80 characters, longer ones cut with "…".
    static func shown(_ name: String) -> String {
        name.count <= 80 ? name : String(name.prefix(79)) + "…"
    }
}

extension GGUFError.Problem {
    /// The problem as a sentence without the file name and the final period.
    var sentence: String {
        switch self {
        case .noSuchFile:
            return "no such file or folder"
        case .isDirectory:
            return "is a folder, not a GGUF file"
        case .cannotOpen(let reason):
            return "cannot be opened (\(reason))"
        case .mapFailed(let reason):
            return "memory-mapping failed (\(reason))"
        case .badMagic(let found):
            let shown = found.map { String($0, radix: 16, uppercase: false) }.map { $0.count == 1 ? "0" + $0 : $0 }
            return "the file does not start with the GGUF magic 'GGUF' (found bytes \(shown.joined(separator: " ")))"
        case .unsupportedVersion(let version):
            return "GGUF version \(version) is not supported (only versions 2 and 3 are)"
        case .bigEndian(let version):
            return "the version field reads \(version), a byte-swapped \(version.byteSwapped): this is a big-endian GGUF, which is not supported"
        case .truncated(let what, let offset, let needed, let size):
            return "the file is truncated: \(what) needs \(needed) bytes from byte \(offset) but the file has \(size) bytes"
        case .countTooLarge(let what, let count, let remaining):
            return "the \(what) \(count) cannot fit in the \(remaining) bytes left in the file, so the file is truncated or the count is corrupt"
        case .invalidUTF8(let what, let offset):
            return "\(what) at byte \(offset) is not valid UTF-8"
        case .duplicateKey(let key):
            return "the metadata key '\(GGUFError.shown(key))' appears twice"
        case .unknownValueType(let key, let code):
            return "the metadata key '\(GGUFError.shown(key))' has unknown value type \(code)"
        case .arrayTooDeep(let key, let depth):
            return "the metadata key '\(GGUFError.shown(key))' nests arrays more than \(depth) deep"
        case .badAlignment(let detail):
            return "general.alignment \(detail)"
        case .tooManyDimensions(let tensor, let count):
            return "tensor '\(GGUFError.shown(tensor))' has \(count) dimensions, more than ggml's 4"
        case .sizeOverflow(let tensor, let dimensions):
            return "the size of tensor '\(GGUFError.shown(tensor))' with dimensions \(dimensions) overflows 64 bits"
        case .unknownTensorType(let tensor, let code):
            return "tensor '\(GGUFError.shown(tensor))' has unknown ggml type \(code)"
        case .partialBlock(let tensor, let rowLength, let type):
            return "tensor '\(GGUFError.shown(tensor))' has rows of \(rowLength) elements, not a whole number of \(type.name)'s \(type.blockSize)-element blocks"
        case .duplicateTensor(let name):
            return "tensor '\(GGUFError.shown(name))' is listed twice"
        case .misalignedOffset(let tensor, let offset, let alignment):
            return "tensor '\(GGUFError.shown(tensor))' starts at data offset \(offset), which is not a multiple of the alignment \(alignment)"
        case .tensorBeyondFile(let tensor, let begin, let count, let dataSize):
            return "tensor '\(GGUFError.shown(tensor))' needs \(count) bytes from data offset \(begin), beyond the \(dataSize)-byte data section"
        case .overlap(let tensor, let other, let begin, let otherEnd):
            return "tensor '\(GGUFError.shown(tensor))' starts at data offset \(begin) and overlaps tensor '\(GGUFError.shown(other))', which ends at data offset \(otherEnd)"
        case .tensorNotInFile(let tensor):
            return "tensor '\(GGUFError.shown(tensor))' does not belong to this file"
        case .missingMetadata(let key, let purpose):
            return "the metadata lacks an integer '\(GGUFError.shown(key))', which is needed to \(purpose)"
        case .headsDoNotDivide(let tensor, let rows, let heads):
            return "tensor '\(GGUFError.shown(tensor))' has \(rows) rows, which \(heads) attention heads (from the metadata) do not split into pairs, so llama.cpp's Q/K row order cannot be undone"
        case .notDequantizable(let tensor, let type):
            return "tensor '\(GGUFError.shown(tensor))' is \(type.name), which rankscope cannot dequantize yet"
        }
    }
}
