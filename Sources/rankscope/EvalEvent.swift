import StrictJSON

/// The JSON-lines progress protocol of `rankscope eval --events`, read by the explorer's measure
/// key: one compact JSON object per line on standard output, flushed as it happens, each with an
/// `"event"` key:
///
/// | event | other keys |
/// |---|---|
/// | `started` | `metric` (`perplexity` or `embedding`), `candidate` (what is compared, or null) |
/// | `compressing` | the plan's layers are being compressed in memory: first without keys, then `completed` and `total` (layers) after each |
/// | `progress` | `model` (`original` or `candidate`), `completed`, `total` (windows or sentences) |
/// | `finished` | `metric`, `original` and `candidate` (perplexities, null for encoders), `mean_cosine` and `min_cosine` (encoders with a candidate), `predicted` (with `--sensitivity`: the candidate's predicted perplexity or mean cosine), `linear_parameters` and `candidate_linear_parameters`, `seconds` |
/// | `failed` | `message` (one sentence naming the file; exit status 1) |
/// | `cancelled` | `message` (Ctrl-C or SIGTERM: where it stopped, as on standard error; exit status 130) |
///
/// Readers should ignore keys and events they do not know.
enum EvalEvent {
    /// The model and text are open.
    case started(metric: String, candidate: String?)
    /// The plan's layers are being compressed in memory: `completed` of `total` (nil at the start).
    case compressing(completed: Int? = nil, total: Int? = nil)
    /// `completed` of `total` windows (or sentences) of `model` done.
    case progress(model: String, completed: Int, total: Int)
    /// The measurement, and what a sensitivity profile predicted for the candidate (perplexity or
    /// mean embedding cosine; nil without `--sensitivity`).
    case finished(EvalReport, predicted: Double? = nil, seconds: Double)
    /// The command stopped on `error`.
    case failed(Error)
    /// Ctrl-C or SIGTERM stopped the command.
    case cancelled(EvalInterruption)

    /// The event as one protocol line (without the newline).
    var jsonLine: String {
        switch self {
        case let .started(metric, candidate):
            return EvalEvent.line("started", ["metric": .string(metric), "candidate": candidate.map(JSONValue.string) ?? .null])
        case let .compressing(completed, total):
            guard let completed, let total else { return EvalEvent.line("compressing", [:]) }
            return EvalEvent.line("compressing", ["completed": .number(JSONNumber(completed)), "total": .number(JSONNumber(total))])
        case let .progress(model, completed, total):
            return EvalEvent.line("progress", ["model": .string(model), "completed": .number(JSONNumber(completed)),
                                               "total": .number(JSONNumber(total))])
        case let .finished(report, predicted, seconds):
            var fields: JSONObject = [
                "metric": .string(report.metric),
                "original": EvalEvent.number(report.original.perplexity),
                "candidate": EvalEvent.number(report.candidate?.perplexity),
            ]
            if let agreement = report.agreement {
                fields.append(key: "mean_cosine", value: EvalEvent.number(agreement.meanCosine))
                fields.append(key: "min_cosine", value: EvalEvent.number(agreement.minCosine))
            }
            if let predicted { fields.append(key: "predicted", value: EvalEvent.number(predicted)) }
            fields.append(key: "linear_parameters", value: .number(JSONNumber(report.original.linearParameters)))
            if let candidate = report.candidate {
                fields.append(key: "candidate_linear_parameters", value: .number(JSONNumber(candidate.linearParameters)))
            }
            fields.append(key: "seconds", value: EvalEvent.number(seconds))
            return EvalEvent.line("finished", fields)
        case .failed(let error):
            return EvalEvent.line("failed", ["message": .string(String(describing: error))])
        case .cancelled(let stop):
            return EvalEvent.line("cancelled", ["message": .string(stop.description)])
        }
    }

    /// Writes the line and a newline to standard output at once.
    func emit() {
        StandardOutput.write(jsonLine + "\n", flush: true)
    }

    private static func line(_ event: String, _ fields: JSONObject) -> String {
        var object: JSONObject = ["event": .string(event)]
        for member in fields { object.append(member) }
        return JSONWriter.string(.object(object))
    }

    private static func number(_ value: Double?) -> JSONValue {
        value.flatMap { JSONNumber($0) }.map(JSONValue.number) ?? .null
    }
}
