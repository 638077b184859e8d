import Foundation
import SafeTensors
import XCTest

/// ``SystemErrorText``: Cocoa and POSIX errors become the system's words.
final class SystemErrorTextTests: XCTestCase {
    func testFoundationErrorsBecomeWords() {
        XCTAssertEqual(SystemErrorText.reason(of: CocoaError(.fileWriteVolumeReadOnly)), "Read-only file system")
        XCTAssertEqual(SystemErrorText.reason(of: NSError(domain: NSCocoaErrorDomain, code: 642)), "Read-only file system")
        XCTAssertEqual(SystemErrorText.reason(of: CocoaError(.fileWriteOutOfSpace)), "No space left on device")
        let wrapped = NSError(domain: NSCocoaErrorDomain, code: 512, userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(ENOTDIR))])
        XCTAssertEqual(SystemErrorText.reason(of: wrapped), "Not a directory")
        XCTAssertEqual(SystemErrorText.reason(of: POSIXError(.EACCES)), "Permission denied")
        XCTAssertTrue(SystemErrorText.isFoundationError(CocoaError(.fileNoSuchFile)))
    }
}
