/// Finds a password in the text of a PostgreSQL password file (`~/.pgpass` format): lines of
/// `host:port:database:user:password`, `*` matching anything in the first four fields, `\:` and
/// `\\` escaping inside fields, `#` starting a comment line. The first matching line wins.
public enum PasswordFileLookup {
    /// The password for `address`, or nil when no line matches. A local socket connection
    /// matches the host `localhost` or the socket's folder, as libpq does.
    public static func password(in text: String, for address: PostgresAddress) -> String? {
        let hosts: Set<String> = address.host.map { [$0] } ?? ["localhost", address.socketDirectory ?? ""]
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            if line.hasPrefix("#") { continue }
            let fields = split(line)
            guard fields.count == 5 else { continue }
            func matches(_ field: String, _ value: String) -> Bool { field == "*" || field == value }
            if (fields[0] == "*" || hosts.contains(fields[0])), matches(fields[1], String(address.port)),
               matches(fields[2], address.database), matches(fields[3], address.user) {
                return fields[4]
            }
        }
        return nil
    }

    /// A line's fields: split at unescaped colons, escapes removed.
    static func split(_ line: Substring) -> [String] {
        var fields: [String] = [], current = "", escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":", fields.count < 4 {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}
