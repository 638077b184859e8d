import Evaluation
import Foundation
import ModelRuntime
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

    /// Checks, without loading the weights, that `eval` can run `checkpoint` over the text in
    /// `file`: its config names an architecture the runtime has, its tokenizer and the text read;
    /// given `window` (a causal LM's window length and token limit), that the text fills at least
    /// one window. The explorer's `--text` checks this before taking the screen (its measure key
    /// runs `eval`), `plan` before it plans.
    static func checkEvaluable(_ checkpoint: Checkpoint, text file: String, window: (length: Int, tokenLimit: Int)? = nil) throws {
        guard let config = checkpoint.config else { throw ModelRuntimeError.missingConfig(folder: folder(of: checkpoint.path)) }
        let hyperparameters = try ModelHyperparameters(config: config)
        let encode = try tokenizer(for: checkpoint)
        let contents = try readText(file)
        if let window, hyperparameters.family.isCausal {
            _ = try TokenWindows.perplexityWindows(encode(contents), length: window.length, maximumTokens: window.tokenLimit, file: file)
        }
    }

    /// An encoder's evaluation sentences: one a line of `contents` (blank lines skipped), each
    /// tokenized and cut to the model's length limit (its first tokens and its last, the end
    /// marker). At least two are needed.
    static func sentences(_ contents: String, file: String, encode: (String) -> [Int], model: TransformerModel,
                          checkpointPath: String) throws -> [[Int]] {
        let lines = contents.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard lines.count >= 2 else { throw EvaluationError.tooFewSentences(file: file, count: lines.count) }
        let limit = sentenceLengthLimit(model, checkpointPath: checkpointPath)
        return lines.map { line -> [Int] in
            let ids = encode(line)
            return ids.count > limit ? Array(ids[0..<(limit - 1)]) + [ids.last!] : ids
        }
    }

    /// sentence-transformers' `max_seq_length` (sentence_bert_config.json) when given, else the
    /// model's learned positions.
    static func sentenceLengthLimit(_ model: TransformerModel, checkpointPath: String) -> Int {
        let positions = model.hyperparameters.maximumPositions ?? Int.max
        let file = (folder(of: checkpointPath) as NSString).appendingPathComponent("sentence_bert_config.json")
        if let data = FileManager.default.contents(atPath: file),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let length = object["max_seq_length"] as? Int, length > 1 {
            return min(length, positions)
        }
        return positions
    }
}
