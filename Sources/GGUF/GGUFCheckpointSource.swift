import Foundation
import SafeTensors
import StrictJSON

/// A GGUF model as a ``CheckpointSource``: each tensor under its Hugging Face name and shape as
/// an F32 tensor of a virtual contiguous layout, decoded (dequantized, Q/K order undone) one at a
/// time when read; tensors of types without a dequantizer are described as U8, so analysis lists
/// them with their GGUF type and skips them.
public final class GGUFCheckpointSource: CheckpointSource, @unchecked Sendable {
    /// The model read.
    public let model: GGUFModel
    /// The decoded descriptions and stored encodings, in file order.
    public let sourceTensors: [(info: TensorInfo, stored: StoredEncoding)]
    private let modelTensorByName: [String: GGUFModelTensor]
    private let identityLock = NSLock()
    private var cachedIdentity: FileIdentity?

    /// Describes the tensors of `model`.
    public init(model: GGUFModel) throws {
        self.model = model
        var described: [(info: TensorInfo, stored: StoredEncoding)] = []
        var byName: [String: GGUFModelTensor] = [:]
        var offset = 0
        for tensor in model.tensors {
            let type = tensor.stored.type
            guard let info = TensorInfo(name: tensor.name, dtype: type.isDequantizable ? .F32 : .U8,
                                        shape: tensor.shape, dataBegin: offset) else {
                throw GGUFError(file: model.file.path, problem: .sizeOverflow(tensor: tensor.stored.name,
                                                                                dimensions: tensor.stored.dimensions.map { UInt64($0) }))
            }
            offset = info.dataEnd
            described.append((info, StoredEncoding(typeName: type.name, byteCount: tensor.stored.byteCount,
                                                   bitsPerWeight: type.bitsPerWeight)))
            byName[tensor.name] = tensor
        }
        self.sourceTensors = described
        self.modelTensorByName = byName
    }

    /// The file's path.
    public var path: String { model.file.path }

    /// The file's identity; its header fingerprint is computed on first use (a vocabulary makes
    /// headers megabytes long, and listing never needs it).
    public var identity: FileIdentity {
        identityLock.lock()
        defer { identityLock.unlock() }
        if let cachedIdentity { return cachedIdentity }
        let file = model.file
        let made = FileIdentity(path: file.path, size: file.fileSize, modificationTimeNanoseconds: file.modificationTimeNanoseconds,
                                inode: file.inode, device: file.device, headerFingerprint: file.headerFingerprint())
        cachedIdentity = made
        return made
    }

    /// `gguf`.
    public var formatName: String { "gguf" }

    /// The Hugging Face config the metadata amounts to.
    public var configObject: JSONObject? { model.huggingFaceConfig }

    /// `tokenizer.json` made from the vocabulary when its tokenizer is one ``GGUFTokenizerJSON`` writes.
    public func sideFiles() throws -> [(name: String, bytes: [UInt8])] {
        guard let tokenizer = GGUFTokenizerJSON.object(header: model.file.header) else { return [] }
        return [("tokenizer.json", JSONWriter.bytes(.object(tokenizer)))]
    }

    /// Dequantizes `tensor` into a temporary F32 buffer (its size is the only memory used) and
    /// calls `body` with it.
    public func withDecodedBytes<R>(of tensor: TensorInfo, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard let modelTensor = modelTensorByName[tensor.name] else {
            throw GGUFError(file: path, problem: .tensorNotInFile(tensor: tensor.name))
        }
        guard modelTensor.stored.type.isDequantizable else {
            throw GGUFError(file: path, problem: .notDequantizable(tensor: modelTensor.stored.name, type: modelTensor.stored.type))
        }
        let values = try model.dequantized(modelTensor)
        return try values.withUnsafeBytes(body)
    }
}
