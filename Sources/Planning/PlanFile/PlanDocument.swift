import Foundation
import SafeTensors

/// A compression plan as a person edits it: a versioned JSON file holding the checkpoint it was
/// made for, defaults, ordered regular-expression rules, exact per-layer overrides and an
/// optional global target for the budget allocator. The format is documented in docs/planning.md
/// ("Plan files").
///
/// - ``load(path:)`` and ``init(parsing:file:)`` read a file; every problem is a
///   ``PlanFileError`` naming the file and line.
/// - ``write(to:)`` writes it back atomically, pretty-printed with keys in a fixed order, so the
///   same plan always gives the same bytes and `load(write(x)) == x`.
/// - ``resolve(tensors:)`` turns it into a choice and an allocator constraint per matrix.
public struct PlanDocument: Sendable, Equatable {
    /// The value of the `"format"` key.
    public static let formatName = "rankscope-plan"
    /// The version this build reads and writes.
    public static let currentVersion = 1

    /// The checkpoint the plan was made for, if recorded.
    public var checkpoint: PlanCheckpointReference?
    /// Settings every matrix starts from.
    public var defaults: PlanDefaults
    /// A global target the allocator meets, if any.
    public var target: BudgetTarget?
    /// Rules in file order (later ones win).
    public var rules: [PlanRule]
    /// Per-matrix overrides in file order (names are unique).
    public var overrides: [PlanOverride]
    /// The file the plan was read from, for error messages (`plan` when built in code); not part of equality.
    public var file: String

    /// A plan from its parts.
    public init(checkpoint: PlanCheckpointReference? = nil, defaults: PlanDefaults = PlanDefaults(),
                target: BudgetTarget? = nil, rules: [PlanRule] = [], overrides: [PlanOverride] = [], file: String = "plan") {
        self.checkpoint = checkpoint
        self.defaults = defaults
        self.target = target
        self.rules = rules
        self.overrides = overrides
        self.file = file
    }

    /// Reads and checks the plan file at `path`.
    public static func load(path: String) throws -> PlanDocument {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PlanFileError(file: path, line: nil, problem: "no such file")
        }
        if !isDirectory.boolValue, let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int,
           size > PlanReader.maximumBytes {
            throw PlanReader.tooLarge(file: path, bytes: size)
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw PlanFileError(file: path, line: nil, problem: isDirectory.boolValue ? "is a folder, not a plan file" : "the file could not be read")
        }
        return try PlanDocument(parsing: data, file: path)
    }

    /// Parses plan text; `file` names it in errors.
    public init<Bytes: Collection>(parsing bytes: Bytes, file: String) throws where Bytes.Element == UInt8 {
        self = try PlanReader(file: file).read(bytes)
    }

    /// The file's text: pretty-printed JSON with a final newline.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The file's bytes.
    public var bytes: [UInt8] { PlanWriter.bytes(of: self) }

    /// Writes the plan to `path` (a temporary name, then a rename) through `writer`, which
    /// refuses a path that is one of the command's inputs: a command that reads a checkpoint
    /// passes the ``GuardedWriter`` built for it.
    public func write(to path: String, with writer: GuardedWriter = GuardedWriter()) throws {
        try writer.write(Data(bytes), to: path)
    }

    /// Plans are equal when they say the same thing; the file they came from does not count.
    public static func == (lhs: PlanDocument, rhs: PlanDocument) -> Bool {
        lhs.checkpoint == rhs.checkpoint && lhs.defaults == rhs.defaults && lhs.target == rhs.target
            && lhs.rules == rhs.rules && lhs.overrides == rhs.overrides
    }
}
