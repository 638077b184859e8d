/// A status-line message as a value: what it says and how it reads.
public struct StatusMessage: Equatable, Sendable {
    /// The sentence shown.
    public var text: String
    /// Plain, success, warning or error.
    public var tone: StatusTone

    /// A message reading `text` in `tone` (plain by default).
    public init(_ text: String, tone: StatusTone = .info) {
        self.text = text
        self.tone = tone
    }
}

/// What one key or action did besides changing the state: the status message to show (nil
/// leaves the status line as it is) and the work the app must do outside the state (file I/O,
/// child processes), performed by ``ExplorerApp`` in order.
public struct ExplorerUpdate: Equatable, Sendable {
    /// The message for the status line, nil for none.
    public var status: StatusMessage?
    /// Work for the app, in order.
    public var effects: [ExplorerEffect]

    /// An update saying `status` and asking for `effects`.
    public init(status: StatusMessage? = nil, effects: [ExplorerEffect] = []) {
        self.status = status
        self.effects = effects
    }

    /// Nothing to say, nothing to do.
    public static let none = ExplorerUpdate()

    /// Says `text` in `tone`.
    public static func say(_ text: String, tone: StatusTone = .info) -> ExplorerUpdate {
        ExplorerUpdate(status: StatusMessage(text, tone: tone))
    }

    /// Asks the app to perform `effect`, saying `text` (if any) meanwhile.
    public static func perform(_ effect: ExplorerEffect, saying text: String? = nil) -> ExplorerUpdate {
        ExplorerUpdate(status: text.map { StatusMessage($0) }, effects: [effect])
    }
}
