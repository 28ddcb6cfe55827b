/// How text is decorated for the reader: ANSI bold on a terminal, nothing when piped
/// or when NO_COLOR is set (https://no-color.org).
public struct OutputStyle: Sendable, Equatable {
    public var emphasis: Bool
    /// Charts in plain ASCII rather than Unicode blocks (`NO_COLOR`, `TERM=dumb`).
    public var ascii: Bool
    /// Columns a chart may fill (`COLUMNS`, else 80).
    public var width: Int

    public static let plain = OutputStyle(emphasis: false)
    public static let terminal = OutputStyle(emphasis: true)

    public init(emphasis: Bool, ascii: Bool = false, width: Int = 80) {
        self.emphasis = emphasis
        self.ascii = ascii
        self.width = width
    }

    /// The style for standard output given whether it is a terminal and the environment.
    public static func detect(isTerminal: Bool, environment: [String: String]) -> OutputStyle {
        let width = environment["COLUMNS"].flatMap(Int.init).map { min(max($0, 20), 1000) } ?? 80
        if environment["NO_COLOR"].map({ !$0.isEmpty }) == true || environment["TERM"] == "dumb" {
            return OutputStyle(emphasis: false, ascii: true, width: width)
        }
        return OutputStyle(emphasis: isTerminal, width: width)
    }

    func bold(_ text: String) -> String { emphasis ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    func dim(_ text: String) -> String { emphasis ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
}
