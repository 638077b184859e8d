import Planning

/// Work the state asks the app to do, because a reducer stays a pure function of the state and
/// the key: no files are read or written and no processes started inside it. ``ExplorerApp``
/// performs each effect and feeds what came of it back through
/// ``ExplorerState/receive(_:)-(EffectResult)``.
public enum ExplorerEffect: Equatable, Sendable {
    /// Write `document` (the current settings) to `path` through the state's guarded writer.
    case savePlan(PlanDocument, path: String)
    /// Read the plan file at `path` and apply it.
    case openPlan(path: String)
    /// Compress the current plan into `outputFolder` as a child process.
    case startJob(outputFolder: String)
    /// Stop the running compression job.
    case cancelJob
    /// Measure `document` (the current plan) with `rankscope eval --plan` as a child process.
    case measurePlan(PlanDocument)
    /// Stop the running measurement.
    case cancelMeasurement
}

/// What came of an ``ExplorerEffect``, as the app reports it back to the state.
public enum EffectResult: Equatable, Sendable {
    /// The plan was written to `path`.
    case planSaved(path: String)
    /// Writing the plan to `path` failed; `reason` says why.
    case planNotSaved(path: String, reason: String)
    /// The plan file was read.
    case planOpened(PlanDocument)
    /// The plan file could not be read; `reason` says why (naming the file).
    case planNotOpened(reason: String)
    /// The compression job could not be launched; `reason` says why.
    case jobNotStarted(reason: String)
    /// The measurement could not be launched; `reason` says why.
    case measurementNotStarted(reason: String)
}
