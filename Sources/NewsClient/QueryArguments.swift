/// Turns newsctl's query arguments into one query string.
public enum QueryArguments {
    /// One argument is the query as written. With several, the shell has already removed the
    /// quotes the user typed: an argument holding spaces (and no query syntax of its own) was
    /// meant as a phrase, so `newsctl find "New York" taliban` searches the phrase.
    public static func join(_ arguments: [String]) -> String {
        guard arguments.count > 1 else { return arguments.first ?? "" }
        return arguments.map { argument in
            guard argument.contains(where: \.isWhitespace),
                  !argument.contains(where: { "\"()".contains($0) }), !argument.contains(" OR ") else { return argument }
            let trimmed = argument.trimmingSpaces
            // `title:new york` (from title:"new york") becomes title:"new york".
            if let colon = trimmed.firstIndex(of: ":"), !trimmed[..<colon].contains(where: \.isWhitespace) {
                return String(trimmed[...colon]) + "\"" + trimmed[trimmed.index(after: colon)...] + "\""
            }
            return "\"" + trimmed + "\""
        }.joined(separator: " ")
    }
}
