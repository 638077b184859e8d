import Foundation
import StrictJSON

/// Reads small JSON files (index, config) and turns every failure into a ``SafeTensorsError``
/// naming the file.
enum JSONFileLoader {
    /// The top-level object of the JSON file at `path`.
    static func loadObject(path: String) throws -> JSONObject {
        func fail(_ problem: SafeTensorsError.Problem) -> SafeTensorsError {
            SafeTensorsError(file: path, problem: problem)
        }
        let info = try POSIX.existingStatus(of: path)
        if POSIX.isDirectory(info) { throw fail(.isDirectory) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw fail(.cannotOpen(reason: "it could not be read"))
        }
        return try object(parsing: data, file: path)
    }

    /// The top-level object of JSON `bytes` read from `file` (named in errors).
    static func object<Bytes: Collection>(parsing bytes: Bytes, file: String) throws -> JSONObject where Bytes.Element == UInt8 {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch let error as JSONParseError {
            throw SafeTensorsError(file: file, problem: .jsonNotValid(detail: error.description))
        }
        guard let object = value.objectValue else {
            throw SafeTensorsError(file: file, problem: .jsonNotObject(found: value.kindDescription))
        }
        return object
    }
}
