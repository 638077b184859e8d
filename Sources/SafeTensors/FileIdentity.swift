/// What identifies the exact bytes of a checkpoint file cheaply: where it is, its size,
/// modification time, inode, device and a fingerprint of its header. The spectrum cache records
/// it and serves cached spectra only to a file that still matches every field.
public struct FileIdentity: Sendable, Equatable, Hashable {
    /// The path as opened.
    public let path: String
    /// The size in bytes.
    public let size: Int
    /// The modification time, nanoseconds since the Unix epoch.
    public let modificationTimeNanoseconds: Int64
    /// The inode number.
    public let inode: UInt64
    /// The device ID.
    public let device: UInt64
    /// FNV-1a 64 of the header bytes as stored.
    public let headerFingerprint: UInt64

    /// Describes a file.
    public init(path: String, size: Int, modificationTimeNanoseconds: Int64, inode: UInt64, device: UInt64, headerFingerprint: UInt64) {
        self.path = path
        self.size = size
        self.modificationTimeNanoseconds = modificationTimeNanoseconds
        self.inode = inode
        self.device = device
        self.headerFingerprint = headerFingerprint
    }
}
