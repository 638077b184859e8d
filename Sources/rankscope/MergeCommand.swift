import ArgumentParser
import Compression

/// `rankscope merge PATH --plan FILE --out DIR PART…`: assembles the output of `compress --shard`
/// parts into the checkpoint folder a single `compress` run would write.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Assemble the parts written by `compress --shard I/N` into one compressed checkpoint folder.",
        discussion: """
        Give the same checkpoint, plan, output options and --stats file (if any) the parts were \
        compressed with, and the \
        parts' --out folders. Their finished layers are copied into DIR, which is then written \
        exactly as a single `compress` run writes it (byte for byte the same). Nothing is \
        compressed here: a layer missing from every part stops the merge with its name. The parts \
        are left as they are.
        """
    )

    @OptionGroup var options: CompressOptions

    @Argument(help: "The --out folders of the `compress --shard` runs.")
    var parts: [String]

    func validate() throws {
        if parts.isEmpty { throw ValidationError("Give the --out folders of the `compress --shard` parts to merge.") }
    }

    func run() throws {
        try BLASLoading.require()
        try options.run(mergeFrom: parts)
    }
}
