import StrictJSON

extension BPEModel {
    /// Reads a `{"type": "BPE", …}` model object.
    init(json object: JSONObject, reader: TokenizerFileReader, path: String) throws {
        let vocabulary = try Vocabulary(json: object["vocab"], reader: reader, path: path + ".vocab")
        self.vocabulary = vocabulary
        let prefix = try reader.optionalString(object["continuing_subword_prefix"], path + ".continuing_subword_prefix")
        continuingSubwordPrefix = prefix.map { Array($0.utf8) }
        endOfWordSuffix = try reader.optionalString(object["end_of_word_suffix"], path + ".end_of_word_suffix").map { Array($0.utf8) }
        fuseUnknown = try reader.bool(object["fuse_unk"], path + ".fuse_unk", default: false)
        byteFallback = try reader.bool(object["byte_fallback"], path + ".byte_fallback", default: false)
        ignoreMerges = try reader.bool(object["ignore_merges"], path + ".ignore_merges", default: false)
        if let dropout = object["dropout"], !dropout.isNull, (dropout.doubleValue ?? 1) != 0 {
            throw reader.invalid(path + ".dropout", "is set; BPE dropout makes encoding random, so rankscope does not support it")
        }
        if let unk = try reader.optionalString(object["unk_token"], path + ".unk_token") {
            guard let id = vocabulary.id(unk) else { throw reader.invalid(path + ".unk_token", "is \(JSONWriter.quoted(unk)), which model.vocab lacks") }
            unknownID = id
        } else {
            unknownID = nil
        }
        var single: [UInt32: Int32] = [:]
        for (bytes, id) in vocabulary.ids where bytes.count <= 4 {
            let scalars = String(decoding: bytes, as: UTF8.self).unicodeScalars
            if scalars.count == 1, let c = scalars.first { single[c.value] = Int32(id) }
        }
        singleScalarIDs = single
        byteTokenIDs = (0..<256).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return vocabulary.id("<0x" + (hex.count == 1 ? "0" + hex : hex) + ">").map { Int32($0) }
        }

        let prefixLength = continuingSubwordPrefix?.count ?? 0
        let list = try reader.array(object["merges"] ?? .array([]), path + ".merges")
        var merges: [UInt64: UInt64] = [:]
        merges.reserveCapacity(list.count)
        for (rank, item) in list.enumerated() {
            var itemPath: String { "\(path).merges[\(rank)]" }   // spelled out only for an error
            let left: String, right: String
            if let line = item.stringValue {
                let parts = line.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2 else { throw reader.invalid(itemPath, "must be two tokens separated by one space") }
                left = String(parts[0]); right = String(parts[1])
            } else if let pair = item.arrayValue, pair.count == 2, let a = pair[0].stringValue, let b = pair[1].stringValue {
                left = a; right = b
            } else {
                throw reader.invalid(itemPath, "must be a string \"a b\" or a pair of strings")
            }
            guard let leftID = vocabulary.id(left) else { throw reader.invalid(itemPath, "merges \(JSONWriter.quoted(left)), which model.vocab lacks") }
            guard let rightID = vocabulary.id(right) else { throw reader.invalid(itemPath, "merges \(JSONWriter.quoted(right)), which model.vocab lacks") }
            let rightBytes = Array(right.utf8)
            guard rightBytes.count >= prefixLength else { throw reader.invalid(itemPath, "has a right token shorter than the subword prefix") }
            let merged = Array(left.utf8) + rightBytes[prefixLength...]
            guard let mergedID = vocabulary.id(bytes: merged) else {
                throw reader.invalid(itemPath, "makes \(JSONWriter.quoted(String(decoding: merged, as: UTF8.self))), which model.vocab lacks")
            }
            let key = UInt64(UInt32(leftID)) << 32 | UInt64(UInt32(rightID))
            merges[key] = UInt64(rank) << 32 | UInt64(UInt32(mergedID))
        }
        self.merges = merges
    }
}
