/// Why a compression job stopped; every case reads as one sentence naming the file or folder at fault.
public enum JobError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The plan names a tensor the checkpoint does not hold.
    case unknownLayer(checkpoint: String, tensor: String)
    /// The plan names a tensor that is not a floating-point matrix called `….weight`.
    case notCompressible(checkpoint: String, tensor: String, reason: String)
    /// The output folder exists and neither `--force` nor `--resume` was given.
    case outputExists(folder: String)
    /// The output path exists and is not a folder.
    case outputNotAFolder(path: String)
    /// The output folder is, or holds, the input checkpoint, so writing it would modify the input.
    case outputOverlapsInput(folder: String, input: String)
    /// Another job holds the output folder's lock.
    case locked(folder: String, holder: String)
    /// `--resume` found a folder without an unfinished job.
    case nothingToResume(folder: String)
    /// `--resume` found a job made with another input, plan, activation statistics or output options.
    case journalMismatch(folder: String)
    /// A folder given to `merge` holds no `--shard` run's journal.
    case notAShard(folder: String)
    /// A folder given to `merge` holds a part of another job (input, plan, statistics or output options differ).
    case shardMismatch(folder: String, output: String)
    /// `merge` found only some of the layers in the parts it was given.
    case shardsIncomplete(missing: Int, total: Int, example: String)
    /// A file or folder could not be created, written, removed or copied.
    case fileSystem(path: String, reason: String)
    /// Two output tensors would have the same name.
    case duplicateOutputName(tensor: String)
    /// One layer could not be compressed.
    case layerFailed(checkpoint: String, tensor: String, reason: String)
    /// The job was cancelled (Ctrl-C, SIGTERM or ``CompressionJob/cancel()``) after `completed` of `total` layers.
    case cancelled(folder: String, completed: Int, total: Int)

    /// One sentence describing the problem.
    public var description: String {
        switch self {
        case let .unknownLayer(checkpoint, tensor):
            return "\(checkpoint): the plan names layer \(tensor), which this checkpoint does not hold."
        case let .notCompressible(checkpoint, tensor, reason):
            return "\(checkpoint): layer \(tensor) cannot be compressed: \(reason)."
        case let .outputExists(folder):
            return "\(folder): the output folder already exists; use --force to replace it or --resume to finish an interrupted job."
        case let .outputNotAFolder(path):
            return "\(path): the output path exists and is not a folder."
        case let .outputOverlapsInput(folder, input):
            return "\(folder): the output folder would overwrite the input \(input) (it is, holds or lies inside it); choose another folder."
        case let .locked(folder, holder):
            return "\(folder): another rankscope job (\(holder)) is writing this folder."
        case let .nothingToResume(folder):
            return "\(folder): there is no interrupted job to resume here; use --force to replace the folder."
        case let .notAShard(folder):
            return "\(folder): this folder holds no part of a compression job; give the --out folders of the `compress --shard I/N` runs."
        case let .shardMismatch(folder, output):
            return "\(folder): this part was made with a different input, plan or output options (activation statistics included) than the merge into \(output); merge with the options and --stats file the parts were compressed with."
        case let .shardsIncomplete(missing, total, example):
            return "\(missing) of \(total) layers are in none of the parts (for example \(example)); run the missing --shard parts (or resume the interrupted ones) first."
        case let .journalMismatch(folder):
            return "\(folder): the interrupted job here was started with a different input, plan or output options (activation statistics included); run it with the same ones and the same --stats file (or none), or use --force to start over."
        case let .fileSystem(path, reason):
            return "\(path): \(reason)."
        case let .duplicateOutputName(tensor):
            return "The output would hold two tensors named \(tensor); rename the conflicting tensor in the checkpoint or exclude its layer from the plan."
        case let .layerFailed(checkpoint, tensor, reason):
            let trimmed = reason.hasSuffix(".") ? String(reason.dropLast()) : reason
            return "\(checkpoint): layer \(tensor) could not be compressed: \(trimmed)."
        case let .cancelled(folder, completed, total):
            return "Interrupted after \(completed) of \(total) layers; the finished ones are kept in \(folder), so the same command with --resume continues."
        }
    }
}
