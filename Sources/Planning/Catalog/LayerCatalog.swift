import SafeTensors

/// Every tensor of a checkpoint, grouped by transformer block and classified by role.
///
/// Groups come in model order: tensors outside blocks first (embeddings, final norm, head),
/// then blocks by stack and index (`model.layers.0`, `model.layers.1`, …, numerically, not
/// lexicographically).
public struct LayerCatalog: Sendable {
    /// The checkpoint the catalog describes.
    public let checkpoint: Checkpoint
    /// All entries in checkpoint order.
    public let entries: [CatalogEntry]
    /// Entries grouped by block.
    public let groups: [CatalogGroup]

    /// The title of the group holding tensors that belong to no block.
    public static let outsideBlocksTitle = "(outside blocks)"

    /// Builds the catalog of a checkpoint.
    public init(checkpoint: Checkpoint) {
        self.checkpoint = checkpoint
        let entries = checkpoint.tensors.map(CatalogEntry.init(tensor:))
        self.entries = entries
        var byPrefix: [String: [CatalogEntry]] = [:]
        var outside: [CatalogEntry] = []
        for entry in entries {
            if let prefix = entry.name.blockPrefix {
                byPrefix[prefix, default: []].append(entry)
            } else {
                outside.append(entry)
            }
        }
        let sortedByName: ([CatalogEntry]) -> [CatalogEntry] = { list in
            list.sorted { NaturalOrder.precedes($0.info.name, $1.info.name) }
        }
        var groups: [CatalogGroup] = []
        if !outside.isEmpty {
            groups.append(CatalogGroup(title: LayerCatalog.outsideBlocksTitle, block: nil, entries: sortedByName(outside)))
        }
        for prefix in byPrefix.keys.sorted(by: NaturalOrder.precedes) {
            let members = byPrefix[prefix]!
            groups.append(CatalogGroup(title: prefix, block: members[0].name.block, entries: sortedByName(members)))
        }
        self.groups = groups
    }

    /// Entries that are compressible matrices (linear weights), in group order.
    public var compressibleEntries: [CatalogEntry] {
        groups.flatMap { $0.entries.filter(\.isCompressible) }
    }

    /// Total parameters of the checkpoint.
    public var parameterCount: Int { entries.reduce(0) { $0 + $1.info.elementCount } }
    /// Total tensor bytes of the checkpoint (headers excluded).
    public var byteCount: Int { entries.reduce(0) { $0 + $1.tensor.byteCount } }
    /// Parameters held by compressible matrices.
    public var compressibleParameterCount: Int {
        entries.filter(\.isCompressible).reduce(0) { $0 + $1.info.elementCount }
    }
}
