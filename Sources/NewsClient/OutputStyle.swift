/// How text is decorated for the reader: ANSI bold on a terminal, nothing when piped
/// or when NO_COLOR is set (https://no-color.org).
public struct OutputStyle: Sendable, Equatable {
    public var emphasis: Bool

    public static let plain = OutputStyle(emphasis: false)
    public static let terminal = OutputStyle(emphasis: true)

    public init(emphasis: Bool) { self.emphasis = emphasis }

    /// The style for standard output given whether it is a terminal and the environment.
    public static func detect(isTerminal: Bool, environment: [String: String]) -> OutputStyle {
        if environment["NO_COLOR"].map({ !$0.isEmpty }) == true { return .plain }
        if environment["TERM"] == "dumb" { return .plain }
        return isTerminal ? .terminal : .plain
    }

    func bold(_ text: String) -> String { emphasis ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    func dim(_ text: String) -> String { emphasis ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
}
