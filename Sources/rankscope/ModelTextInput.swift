import Foundation
import SafeTensors
import Tokenizers

/// The text and tokenizer that `eval` and `stats` feed a model: the text file read as UTF-8 and
/// the checkpoint's own `tokenizer.json` (beside the weights).
enum ModelTextInput {
    /// The contents of `file` as UTF-8.
    static func readText(_ file: String) throws -> String {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            var isFolder: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: file, isDirectory: &isFolder)
            throw ModelInputError.unreadableText(file: file, reason: !exists ? "no such file" : isFolder.boolValue ? "it is a folder" : "permission denied or I/O error")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ModelInputError.textNotUTF8(file: file) }
        return text
    }

    /// The folder holding the checkpoint at `path` (the path itself, or a file's folder).
    static func folder(of path: String) -> String {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue { return path }
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }

    /// A function from text to token ids (special tokens added as the tokenizer's post-processor
    /// says), made from `tokenizer.json` in the checkpoint's folder, or, for a checkpoint of
    /// another format (GGUF), from the `tokenizer.json` its source makes of its vocabulary.
    static func tokenizer(for checkpoint: Checkpoint) throws -> (String) -> [Int] {
        let path = checkpoint.path
        if let source = checkpoint.source {
            guard let made = try source.sideFiles().first(where: { $0.name == "tokenizer.json" }) else {
                throw ModelInputError.vocabularyWithoutTokenizer(path: path)
            }
            let tokenizer = try Tokenizer(json: made.bytes, name: "\(path) (its vocabulary as tokenizer.json)")
            return { tokenizer.encode($0, addSpecialTokens: true) }
        }
        let file = (folder(of: path) as NSString).appendingPathComponent("tokenizer.json")
        guard FileManager.default.fileExists(atPath: file) else { throw ModelInputError.missingTokenizer(path: folder(of: path)) }
        let tokenizer = try Tokenizer(contentsOf: URL(fileURLWithPath: file))
        return { tokenizer.encode($0, addSpecialTokens: true) }
    }
}
