import Foundation

extension PythonOracle {
    /// Gives `prepare` a fresh temporary folder to fill, runs `snippet` with that folder as its one
    /// argument (`sys.argv[1]`), and decodes the `results.json` the snippet wrote there; the folder
    /// is removed afterwards.
    ///
    /// - Throws: What ``run(_:_:file:line:)`` throws, what `prepare` throws, and a decoding error
    ///   when `results.json` is missing or does not match `Output`.
    public static func results<Output: Decodable>(of snippet: String, file: StaticString = #fileID, line: UInt = #line,
                                                  prepare: (URL) throws -> Void) throws -> Output {
        try TemporaryFolder.with("python") { folder in
            try prepare(folder)
            try run(snippet, [folder.path], file: file, line: line)
            let data = try Data(contentsOf: folder.appendingPathComponent("results.json"))
            return try JSONDecoder().decode(Output.self, from: data)
        }
    }
}
