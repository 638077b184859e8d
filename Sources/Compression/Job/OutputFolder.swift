import Foundation
import SafeTensors

/// Claims the output folder of a job: refuses to touch the input or a folder it was not asked to
/// replace, takes the folder's lock, and on `--force` empties it.
enum OutputFolder {
    /// What claiming found.
    struct Claim {
        /// The lock, held until the job ends.
        let lock: OutputLock
        /// True when the folder holds a journal that `--resume` may continue.
        let hasJournal: Bool
    }

    /// Claims `settings.outputFolder` for a job on `checkpoint`.
    ///
    /// - A missing folder is created.
    /// - An existing folder is refused unless `force` or `resume` is set. With `resume` it must
    ///   hold a journal (or nothing of ours yet); with `force` its content is deleted, unless
    ///   `resume` is also set and a journal is there, in which case that job continues.
    static func claim(_ settings: JobSettings, for checkpoint: Checkpoint) throws -> Claim {
        let folder = settings.outputFolder
        try refuseOverlap(settings, checkpoint: checkpoint)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw JobError.fileSystem(path: folder, reason: "cannot create the output folder (\(reason(of: error)))")
            }
            return Claim(lock: try OutputLock(folder: folder), hasJournal: false)
        }
        guard isDirectory.boolValue else { throw JobError.outputNotAFolder(path: folder) }
        guard settings.force || settings.resume else { throw JobError.outputExists(folder: folder) }
        let lockExisted = FileManager.default.fileExists(atPath: folder + "/" + OutputLock.fileName)
        let lock = try OutputLock(folder: folder)
        let journal = JobJournal(outputFolder: folder)
        if settings.resume, journal.exists { return Claim(lock: lock, hasJournal: true) }
        let ours = Set([OutputLock.fileName, JobJournal.folderName])
        let entries = try listing(of: folder)
        if settings.force {
            try empty(folder)
        } else if entries.contains(where: { !ours.contains($0) && !isPartialFile($0) }) {
            lock.release(removingFile: !lockExisted)  // a refused --resume leaves the folder as it was
            throw JobError.nothingToResume(folder: folder)
        }
        return Claim(lock: lock, hasJournal: false)
    }

    /// Deletes everything in `folder` but its lock file (`--force`).
    static func empty(_ folder: String) throws {
        for entry in try listing(of: folder) where entry != OutputLock.fileName {
            do {
                try FileManager.default.removeItem(atPath: folder + "/" + entry)
            } catch {
                throw JobError.fileSystem(path: folder + "/" + entry, reason: "cannot remove it to replace the folder (\(reason(of: error)))")
            }
        }
    }

    /// Throws when the output folder is, contains or lies inside anything the job reads: a file
    /// of the input checkpoint, the statistics or plan file, or (for `merge`) one of the parts.
    static func refuseOverlap(_ settings: JobSettings, checkpoint: Checkpoint) throws {
        var writer = GuardedWriter(checkpoint: checkpoint, others: [settings.statistics?.path].compactMap { $0 })
        if let plan = settings.planLabel, FileManager.default.fileExists(atPath: plan) { writer.protect(file: plan) }
        for part in settings.mergeFrom { writer.protect(folder: part) }
        do {
            try writer.check(folder: settings.outputFolder)
        } catch let refusal as GuardedWriter.Refusal {
            throw JobError.outputOverlapsInput(folder: settings.outputFolder, input: refusal.input)
        }
    }

    /// True for a writer's temporary name, `.<name>.partial-<pid>`.
    static func isPartialFile(_ name: String) -> Bool {
        name.hasPrefix(".") && name.contains(".partial-")
    }

    /// Deletes the temporary files killed writers left in `folder`.
    static func removePartialFiles(in folder: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where isPartialFile(name) {
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
    }

    private static func listing(of folder: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw JobError.fileSystem(path: folder, reason: "cannot list the output folder (\(reason(of: error)))")
        }
    }

    /// A short reason for a Foundation file error.
    static func reason(of error: Error) -> String {
        SystemErrorText.reason(of: error)
    }
}
