import Foundation
import XCTest

/// Bad input to `rankscope eval` and `rankscope stats`: one sentence naming the file, exit 1.
final class EvalErrorTests: XCTestCase {
    func testMissingConfigUnknownArchitectureAndMissingTokenizer() throws {
        try EvalFixture.with { fixture in
            let model = fixture.model("gpt2")
            let stats = fixture.folder + "/stats.safetensors"
            let commands = [["eval", model, "--text", fixture.text, "--seq-len", "8"],
                            ["stats", model, "--text", fixture.text, "--out", stats]]
            let config = model + "/config.json"
            let saved = try Data(contentsOf: URL(fileURLWithPath: config))
            try #"{"model_type": "mamba", "hidden_size": 32}"#.write(toFile: config, atomically: true, encoding: .utf8)
            for command in commands {
                try fixture.assertOneSentence(command, naming: config, mentions: "model_type \"mamba\"")
            }
            try FileManager.default.removeItem(atPath: config)
            for command in commands {
                try fixture.assertOneSentence(command, naming: model, mentions: "no config.json")
            }
            try saved.write(to: URL(fileURLWithPath: config))
            try FileManager.default.removeItem(atPath: model + "/tokenizer.json")
            for command in commands {
                try fixture.assertOneSentence(command, naming: model, mentions: "no tokenizer.json")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: stats), "no statistics file after a failure")
        }
    }

    func testMalformedTokenizerAndShortTextAreOneSentence() throws {
        try EvalFixture.with { fixture in
            let model = fixture.model("llama-gqa")
            let short = fixture.folder + "/short.txt"
            try "w1 w2 w3\n".write(toFile: short, atomically: true, encoding: .utf8)
            try fixture.assertOneSentence(["eval", model, "--text", short, "--seq-len", "8"],
                                          naming: short, mentions: "fewer than one window of 8")
            try fixture.assertOneSentence(["eval", model, "--text", fixture.folder + "/absent.txt"],
                                          naming: "absent.txt", mentions: "no such file")
            try "{\"model\": ".write(toFile: model + "/tokenizer.json", atomically: true, encoding: .utf8)
            for command in [["eval", model, "--text", fixture.text], ["stats", model, "--text", fixture.text, "--out", fixture.folder + "/s.safetensors"]] {
                try fixture.assertOneSentence(command, naming: model + "/tokenizer.json", mentions: "tokenizer.json")
            }
        }
    }
}
