import Planning
import SafeTensors

/// One of N parts of a compression job (`rankscope compress --shard I/N`): the layers whose
/// position in checkpoint order is I modulo N. Compressing a layer never depends on another, so
/// N processes — a batch scheduler's job array — can each run one part into their own folder, and
/// `rankscope merge` assembles the parts into the same output a single run writes.
public struct JobShard: Sendable, Equatable, CustomStringConvertible {
    /// I, from 0 to N − 1.
    public let index: Int
    /// N, at least 1.
    public let count: Int

    /// Part `index` of `count`; nil unless 0 ≤ index < count.
    public init?(index: Int, count: Int) {
        guard count >= 1, index >= 0, index < count else { return nil }
        self.index = index
        self.count = count
    }

    /// Reads `I/N` (e.g. `3/8`); nil when it is not two integers with 0 ≤ I < N.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
        self.init(index: index, count: count)
    }

    /// True when the layer at `ordinal` (its position in checkpoint order) belongs to this part.
    public func contains(ordinal: Int) -> Bool { ordinal % count == index }

    /// The matrices this part compresses, in checkpoint order: of the layers `choices` makes a job
    /// of (numbered as ``CompressionJob`` numbers them, skipping choices that keep a tensor as
    /// stored), those at this part's positions. Only which choices keep their tensor matters, not
    /// their ranks, so a part can find its layers before it has any spectrum.
    ///
    /// - Throws: ``JobError`` for a choice the checkpoint cannot take, as ``CompressionJob`` would.
    public func layerNames(of checkpoint: Checkpoint, choices: [String: LayerChoice]) throws -> [String] {
        try JobLayer.layers(of: checkpoint, choices: choices, singularValues: [:]).filter { contains(ordinal: $0.ordinal) }.map(\.name)
    }

    /// `I/N`.
    public var description: String { "\(index)/\(count)" }
}
