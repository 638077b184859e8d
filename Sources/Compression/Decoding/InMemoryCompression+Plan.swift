import Planning
import SafeTensors

extension InMemoryCompression {
    /// The decoded layers of `plan` applied to `checkpoint` as `rankscope compress` applies it
    /// (``Planning/PlanDocument/choices(for:)``: resolved, then allocated for a target), where
    /// `tensors` are the checkpoint's planned tensors carrying the spectra the plan needs (all of
    /// them for a target; data-aware ones when `settings` has statistics, as `compress --stats`
    /// resolves on them). Their singular values also serve the estimates.
    ///
    /// The command line computes `tensors` with its spectrum cache and progress, and
    /// `CompressPlanInput.choices` there is this same resolution; callers in other targets call this.
    ///
    /// - Throws: ``Planning/PlanFileError`` or ``Planning/PlanError`` for the plan, else as
    ///   ``decodedLayers(of:choices:singularValues:settings:jobs:memoryLimit:isCancelled:packedBackbones:onLayer:)``.
    public static func decodedLayers(of checkpoint: Checkpoint, plan: PlanDocument, tensors: [PlannedTensor],
                                     settings: LayerCompressionSettings = LayerCompressionSettings(), jobs: Int = 1,
                                     memoryLimit: Int = JobSettings.defaultMemoryLimit,
                                     isCancelled: @escaping @Sendable () -> Bool = { false }, packedBackbones: Bool = false) throws -> DecodedModel {
        let choices = try plan.choices(for: tensors)
        let spectra = tensors.compactMap { tensor in tensor.spectrum.map { (tensor.name, $0.singularValues) } }
        return try decodedLayers(of: checkpoint, choices: choices, singularValues: Dictionary(spectra) { first, _ in first },
                                 settings: settings, jobs: jobs, memoryLimit: memoryLimit, isCancelled: isCancelled,
                                 packedBackbones: packedBackbones)
    }
}
