import Foundation
import PythonOracle
import XCTest

/// A folder of tiny random checkpoints (``NumpyTransformer/tinyCheckpoints``), each with a
/// WordPiece `tokenizer.json` of its 50 ids written by the Python `tokenizers` package, and a
/// text of those words (`text.txt`, 240 tokens) for `rankscope eval` and `rankscope stats`.
struct EvalFixture {
    let folder: String
    var cache: String { folder + "/cache" }
    var text: String { folder + "/text.txt" }
    func model(_ name: String) -> String { folder + "/" + name }

    static let tokenizerWriter = #"""
    from tokenizers import Tokenizer, models, pre_tokenizers
    vocab = {'[UNK]': 0}
    for i in range(1, 50): vocab['w%d' % i] = i
    for c in cases:
        tok = Tokenizer(models.WordPiece(vocab, unk_token='[UNK]'))
        tok.pre_tokenizer = pre_tokenizers.Whitespace()
        tok.save(os.path.join(out, c['name'], 'tokenizer.json'))
    words = ['w%d' % (1 + (i * 7) % 49) for i in range(240)]
    open(os.path.join(out, 'text.txt'), 'w').write('\n'.join(' '.join(words[i:i + 12]) for i in range(0, 240, 12)) + '\n')
    """#

    /// Runs `body` with a fresh fixture, removed afterwards.
    static func with(_ body: (EvalFixture) throws -> Void) throws {
        try NumpyTransformer.run(NumpyTransformer.tinyCheckpoints + "\n" + tokenizerWriter) { folder in
            try body(EvalFixture(folder: folder.path))
        }
    }

    /// Asserts `rankscope ARGS` fails as bad input must: exit 1, one line on stderr naming
    /// `fileName` and mentioning `mentions`, nothing on stdout, no trace.
    func assertOneSentence(_ arguments: [String], naming fileName: String, mentions: String,
                           file: StaticString = #filePath, line: UInt = #line) throws {
        let outcome = try Harness.rankscope(arguments, cacheHome: cache)
        XCTAssertEqual(outcome.status, 1, "\(arguments): \(outcome.stderr)", file: file, line: line)
        XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, "exactly one line: \(outcome.stderr)", file: file, line: line)
        XCTAssertTrue(outcome.stderr.contains(fileName), "names \(fileName): \(outcome.stderr)", file: file, line: line)
        XCTAssertTrue(outcome.stderr.lowercased().contains(mentions.lowercased()), "mentions '\(mentions)': \(outcome.stderr)", file: file, line: line)
        XCTAssertTrue(outcome.stdout.isEmpty, "nothing on stdout: \(outcome.stdout)", file: file, line: line)
        XCTAssertFalse(outcome.stderr.contains("Fatal error"), "no trace: \(outcome.stderr)", file: file, line: line)
    }
}
