import Foundation
import SafeTensors

/// Sensitivity profiles kept between runs, beside the spectrum cache (``SpectrumCache/defaultDirectory(environment:)``):
/// `sensitivity-<hash>.json` for a finished profile and `sensitivity-<hash>.partial.json` for the
/// matrices measured so far by an interrupted run, which the next run with the same key resumes.
///
/// The key names everything a measurement depends on (``key(checkpoint:text:statisticsFingerprint:seqLen:maxTokens:rankFractions:bits:)``):
/// the checkpoint's files (size, modification time, inode, device and header fingerprint of each,
/// as the spectrum cache checks them), the text's bytes, the statistics file's fingerprint and the
/// probe settings. Any change gives another key, so a stale profile is never served; a file whose
/// recorded key differs from its name's is ignored.
public struct SensitivityCache: Sendable {
    /// Where the files live.
    public let directory: String
    /// Bumped when the way probes are measured changes.
    public static let methodTag = "sensitivity-v3"

    /// A cache in `directory` (created on first write).
    public init(directory: String = SpectrumCache.defaultDirectory()) {
        self.directory = directory
    }

    /// The key of a measurement.
    public static func key(checkpoint: Checkpoint, text: Data, statisticsFingerprint: String?, seqLen: Int?, maxTokens: Int?,
                           rankFractions: [Double], bits: [Int]) -> String {
        var files: [FileIdentity] = []
        var seen = Set<String>()
        for tensor in checkpoint.tensors {
            if let identity = checkpoint.identity(of: tensor), seen.insert(identity.path).inserted { files.append(identity) }
        }
        var checkpointHash = FNV1a.offsetBasis
        for file in files.sorted(by: { $0.path < $1.path }) {
            let line = [SpectrumCache.realPath(file.path), String(file.size), String(file.modificationTimeNanoseconds), String(file.inode),
                        String(file.device), String(file.headerFingerprint, radix: 16)].joined(separator: " ") + "\n"
            checkpointHash = FNV1a.hash(line, continuing: checkpointHash)
        }
        let textHash = text.withUnsafeBytes { FNV1a.hash($0) }
        return [methodTag,
                "checkpoint=" + String(checkpointHash, radix: 16),
                "text=" + String(textHash, radix: 16) + "-" + String(text.count),
                "seq_len=" + (seqLen.map(String.init) ?? "none"),
                "max_tokens=" + (maxTokens.map(String.init) ?? "none"),
                "statistics=" + (statisticsFingerprint ?? "none"),
                "fractions=" + rankFractions.map { String($0) }.joined(separator: ","),
                "bits=" + bits.map(String.init).joined(separator: ",")].joined(separator: "|")
    }

    /// The finished profile's file for `key`.
    public func path(forKey key: String) -> String {
        directory + "/sensitivity-" + String(FNV1a.hash(key), radix: 16) + ".json"
    }

    /// The interrupted run's file for `key`.
    public func partialPath(forKey key: String) -> String {
        directory + "/sensitivity-" + String(FNV1a.hash(key), radix: 16) + ".partial.json"
    }

    /// The finished profile for `key`, if cached.
    public func profile(forKey key: String) -> SensitivityProfile? {
        read(path(forKey: key), key: key)
    }

    /// What an interrupted run with `key` measured, if anything.
    public func partial(forKey key: String) -> SensitivityProfile? {
        read(partialPath(forKey: key), key: key)
    }

    /// Stores a finished profile (atomically) and drops its partial file.
    public func store(_ profile: SensitivityProfile) throws {
        try write(profile, to: path(forKey: profile.settings.key))
        unlink(partialPath(forKey: profile.settings.key))
    }

    /// Stores what a run has measured so far (atomically).
    public func storePartial(_ profile: SensitivityProfile) throws {
        try write(profile, to: partialPath(forKey: profile.settings.key))
    }

    private func write(_ profile: SensitivityProfile, to path: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try AtomicFile.write(profile.encoded(), to: path)
    }

    private func read(_ path: String, key: String) -> SensitivityProfile? {
        guard let data = FileManager.default.contents(atPath: path),
              let profile = try? SensitivityProfile.decode(data, path: path), profile.settings.key == key else { return nil }
        return profile
    }
}
