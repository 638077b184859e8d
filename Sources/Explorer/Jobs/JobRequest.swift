/// Work the state asks the app to do about the compression job (the state itself stays a
/// plain value: the app launches and signals processes).
public enum JobRequest: Equatable, Sendable {
    /// Compress the current plan into this folder.
    case start(outputFolder: String)
    /// Stop the running job.
    case cancel
}
