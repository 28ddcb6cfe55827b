import NewsCore

/// Turns newsctl's query arguments into one query string.
public enum QueryArguments {
    /// One argument is the query as written. Several are the words of one query, meaning the
    /// same as when quoted together (`find russia taliban` is `find 'russia taliban'`), except
    /// where the shell has evidently removed quotes the user typed: `-a phrase` (from
    /// `-"a phrase"`) is a left-out phrase, and `title:new york` (from `title:"new york"`) a
    /// field's phrase.
    public static func join(_ arguments: [String]) -> String {
        guard arguments.count > 1 else { return arguments.first ?? "" }
        return arguments.map { argument in
            let trimmed = argument.trimmingSpaces
            guard trimmed.contains(where: \.isWhitespace),
                  !trimmed.contains(where: { "\"()".contains($0) }), !trimmed.contains(" OR ") else { return argument }
            if trimmed.hasPrefix("-") {
                return "-\"" + trimmed.dropFirst().trimmingSpaces + "\""
            }
            if let colon = trimmed.firstIndex(of: ":"), !trimmed[..<colon].contains(where: \.isWhitespace) {
                return String(trimmed[...colon]) + "\"" + trimmed[trimmed.index(after: colon)...] + "\""
            }
            return argument
        }.joined(separator: " ")
    }

    /// A query command's arguments with its options first and the query words after `--`, so
    /// that an unquoted `-word` or `-"a phrase"` is a query term, not an unknown option
    /// (`newsctl find russia -taliban`). Arguments starting with `--` stay options (a
    /// misspelt one is still reported), those in `valued` with the argument after them; `-h`
    /// stays help. Arguments that already hold a `--` are returned as they are.
    public static func separatingQuery(_ arguments: [String], valued: Set<String>) -> [String] {
        guard !arguments.contains("--") else { return arguments }
        var options: [String] = [], words: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument.hasPrefix("--") && argument.count > 2 {
                options.append(argument)
                if valued.contains(argument), index + 1 < arguments.count {
                    options.append(arguments[index + 1])
                    index += 1
                }
            } else if argument == "-h" {
                options.append(argument)
            } else {
                words.append(argument)
            }
            index += 1
        }
        return words.contains(where: { $0.hasPrefix("-") }) ? options + ["--"] + words : arguments
    }
}
