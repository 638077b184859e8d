#if !FUZZING
import Foundation
import FuzzTargets

/// Without libFuzzer (an ordinary build), `rankscope-fuzz FILE|DIR…` replays inputs through the
/// same target: the way to rerun a crash a fuzzing session saved, or a whole corpus, under a
/// debugger or a sanitizer.
@main
enum CorpusReplay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.isEmpty || arguments.contains("--help") {
            print("usage: rankscope-fuzz FILE|DIR…  (replays inputs through the parser fuzz target; build with scripts/fuzz to fuzz)")
            exit(arguments.isEmpty ? 2 : 0)
        }
        var count = 0
        for path in arguments {
            for file in inputs(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    FileHandle.standardError.write(Data("rankscope-fuzz: \(file): cannot be read.\n".utf8))
                    exit(1)
                }
                ParserFuzzTarget.exercise([UInt8](data))
                count += 1
            }
        }
        print("replayed \(count) inputs without a crash")
    }

    /// The file at `path`, or the regular files directly inside it when it is a folder, by name.
    static func inputs(at path: String) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { path + "/" + $0 }.filter {
            var sub: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &sub) && !sub.boolValue
        }
    }
}
#endif
