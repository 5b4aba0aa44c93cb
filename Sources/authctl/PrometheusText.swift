/// Metrics in the Prometheus text exposition format, version 0.0.4
/// (https://prometheus.io/docs/instrumenting/exposition_formats/), as node_exporter's textfile
/// collector reads them: for each metric a `# HELP` and a `# TYPE` line, then its samples,
/// `name{label="value"} number`; label values escape `\`, `"` and line feeds; the file ends
/// with a line feed. (The layout of swift-prometheus' `PrometheusCollectorRegistry`.)
struct PrometheusText {
  enum Kind: String { case gauge, counter }

  private(set) var text = ""

  /// One metric: its name, type, help, and samples (labels in the order given).
  mutating func metric(
    _ name: String, _ kind: Kind, _ help: String, _ samples: [([(String, String)], Double)]
  ) {
    text += "# HELP \(name) \(Self.escapedHelp(help))\n"
    text += "# TYPE \(name) \(kind.rawValue)\n"
    for (labels, value) in samples {
      text += name
      if !labels.isEmpty {
        text += "{"
        text += labels.map { "\($0.0)=\"\(Self.escapedLabel($0.1))\"" }.joined(separator: ",")
        text += "}"
      }
      text += " \(Self.number(value))\n"
    }
  }

  /// One sample without labels.
  mutating func metric(_ name: String, _ kind: Kind, _ help: String, _ value: Double) {
    metric(name, kind, help, [([], value)])
  }

  /// Go's float text as Prometheus parses it: integers without a point, else the shortest form.
  static func number(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(value)
  }

  /// HELP text: `\` and line feeds escaped.
  static func escapedHelp(_ s: String) -> String {
    s.replacing("\\", with: "\\\\").replacing("\n", with: "\\n")
  }

  /// Label values: `\`, `"` and line feeds escaped.
  static func escapedLabel(_ s: String) -> String {
    escapedHelp(s).replacing("\"", with: "\\\"")
  }
}
