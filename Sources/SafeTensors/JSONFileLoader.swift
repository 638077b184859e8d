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
        guard let info = POSIX.status(of: path) else {
            let code = errno
            throw fail(code == ENOENT || code == ENOTDIR ? .noSuchFile : .cannotOpen(reason: POSIX.describe(code)))
        }
        if POSIX.isDirectory(info) { throw fail(.isDirectory) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw fail(.cannotOpen(reason: "it could not be read"))
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(data)
        } catch let error as JSONParseError {
            throw fail(.jsonNotValid(detail: error.description))
        }
        guard let object = value.objectValue else { throw fail(.jsonNotObject(found: value.kindDescription)) }
        return object
    }
}
