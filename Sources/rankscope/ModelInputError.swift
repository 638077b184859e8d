/// A problem with the text or tokenizer that `eval` and `stats` read, as one sentence naming the file.
enum ModelInputError: Error, CustomStringConvertible {
    /// The text file cannot be read.
    case unreadableText(file: String, reason: String)
    /// The text file is not UTF-8.
    case textNotUTF8(file: String)
    /// The checkpoint folder has no tokenizer.json.
    case missingTokenizer(path: String)
    /// A GGUF file whose vocabulary rankscope cannot turn into a tokenizer.json.
    case vocabularyWithoutTokenizer(path: String)

    var description: String {
        switch self {
        case .unreadableText(let file, let reason):
            return "\(file): the text cannot be read (\(reason))."
        case .textNotUTF8(let file):
            return "\(file): the text is not UTF-8."
        case .missingTokenizer(let path):
            return "\(path): there is no tokenizer.json beside the weights, so the text cannot be turned into tokens; add the tokenizer.json the model was published with."
        case .vocabularyWithoutTokenizer(let path):
            return "\(path): rankscope makes a tokenizer only from byte-level BPE vocabularies (tokenizer.ggml.model gpt2), so the text cannot be turned into tokens; evaluate the model's Hugging Face folder instead."
        }
    }
}
