import ArgumentParser
import Evaluation
import Foundation
import ModelRuntime
import SafeTensors

/// What differs between the commands that run the model over a text (`eval`, `stats`,
/// `sensitivity`): what the text is for and the window defaults.
struct ModelTextDefaults {
    /// The `--text` help: what the text is used for.
    let textHelp: String
    /// `--seq-len`'s default and help.
    let sequenceLength: Int
    let sequenceLengthHelp: String
    /// `--max-tokens`'s default, nil when it depends on the model (then its help says how).
    let maximumTokens: Int?
    let maximumTokensHelp: String
}

/// A command that runs the model over a text, naming its ``ModelTextDefaults``.
protocol ModelTextCommand {
    static var textDefaults: ModelTextDefaults { get }
}

/// The checkpoint `PATH`, `--text FILE`, `--seq-len N` and `--max-tokens N` of the commands that
/// run the model over a text, and the opening they share: the checkpoint, its runtime model, its
/// tokenizer and the text. `Command` gives each command its own help and window length.
struct ModelTextOptions<Command: ModelTextCommand>: ParsableArguments {
    @OptionGroup var checkpoint: CheckpointArgument

    @Option(help: ArgumentHelp(Command.textDefaults.textHelp, valueName: "file"))
    var text: String

    @OptionGroup var window: TextWindowOptions<Command>

    /// `--seq-len`.
    var seqLen: Int { window.seqLen }
    /// `--max-tokens` as given.
    var maxTokens: Int? { window.maxTokens }

    /// `--max-tokens`, or the command's default (nil when the command decides by the model).
    var tokenLimit: Int? { maxTokens ?? Command.textDefaults.maximumTokens }

    /// The checkpoint, its model, its tokenizer and the text, opened in that order (so the first
    /// problem reported is the checkpoint's, then the model's, the tokenizer's, the text's).
    func open() throws -> ModelText {
        try ModelText.open(checkpoint: checkpoint.path, text: text)
    }
}

/// A checkpoint opened to run over a text: what ``ModelTextOptions/open(_:)`` returns.
struct ModelText {
    /// The checkpoint (headers read).
    let checkpoint: Checkpoint
    /// Its runtime model, weights loaded.
    let model: TransformerModel
    /// Its tokenizer: text to ids, special tokens added.
    let encode: (String) -> [Int]
    /// The text, UTF-8 decoded.
    let contents: String
}

extension ModelText {
    /// The checkpoint at `path`, its model, its tokenizer and the text in `file`, opened in that
    /// order (so the first problem reported is the checkpoint's, then the model's, the
    /// tokenizer's, the text's): ``ModelTextOptions/open()``, and `plan --measure`'s `--text`.
    static func open(checkpoint path: String, text file: String) throws -> ModelText {
        let opened = try Checkpoint.opening(path: path)
        let model = try TransformerModel(checkpoint: opened)
        let encode = try ModelTextInput.tokenizer(for: opened)
        let contents = try ModelTextInput.readText(file)
        return ModelText(checkpoint: opened, model: model, encode: encode, contents: contents)
    }

    /// The same checkpoint, model and tokenizer over the text in `file` (`plan`'s second text).
    func withText(_ file: String) throws -> ModelText {
        ModelText(checkpoint: checkpoint, model: model, encode: encode, contents: try ModelTextInput.readText(file))
    }
}
