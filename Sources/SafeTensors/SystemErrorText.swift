import Foundation

/// The short reason a person can act on for an error from Foundation's file APIs, instead of
/// its raw text (`Error Domain=NSCocoaErrorDomain Code=642 "(null)"`): the system's own words
/// for the underlying `errno` where there is one (`No space left on device`), else a plain
/// phrase for the Cocoa file error. New code that reports a `FileManager` failure uses
/// ``reason(of:)`` in its sentence.
public enum SystemErrorText {
    /// The reason for `error`: `strerror` of its POSIX code when it has one, a phrase for common
    /// Cocoa file errors, otherwise the error's own description.
    public static func reason(of error: Error) -> String {
        if let posix = error as? POSIXError { return POSIX.describe(posix.code.rawValue) }
        let nsError = error as NSError
        if nsError.domain == NSPOSIXErrorDomain { return POSIX.describe(Int32(nsError.code)) }
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return POSIX.describe(Int32(underlying.code))
        }
        if let cocoa = error as? CocoaError, let underlying = cocoa.underlying as? POSIXError {
            return POSIX.describe(underlying.code.rawValue)
        }
        if nsError.domain == NSCocoaErrorDomain { return cocoaPhrase(nsError.code) }
        return String(describing: error)
    }

    /// True for errors whose own description is Foundation's raw text.
    public static func isFoundationError(_ error: Error) -> Bool {
        let domain = (error as NSError).domain
        return error is CocoaError || error is POSIXError || domain == NSCocoaErrorDomain || domain == NSPOSIXErrorDomain
    }

    private static func cocoaPhrase(_ code: Int) -> String {
        switch CocoaError.Code(rawValue: code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return POSIX.describe(ENOENT)
        case .fileReadNoPermission, .fileWriteNoPermission: return POSIX.describe(EACCES)
        case .fileWriteOutOfSpace: return POSIX.describe(ENOSPC)
        case .fileWriteVolumeReadOnly: return POSIX.describe(EROFS)
        case .fileWriteFileExists: return POSIX.describe(EEXIST)
        case .fileReadTooLarge: return POSIX.describe(EFBIG)
        case .fileLocking: return "the file is locked"
        case .fileReadCorruptFile: return "the file is damaged"
        default: return "file operation failed (code \(code))"
        }
    }
}
