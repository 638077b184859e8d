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
}
