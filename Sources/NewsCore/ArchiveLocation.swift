/// Where newsd keeps its archive: the embedded SQLite file in the state folder (the default), or a
/// PostgreSQL database shared by several hosts, named by `index_url` as PostgreSQL clients name
/// one (`postgresql://user@host:port/db?sslmode=require`).
public enum ArchiveLocation: Sendable, Equatable {
    case embedded
    case postgres(PostgresAddress)

    /// Reads an `index_url` value; empty means the embedded default. `defaultUser` is the user
    /// PostgreSQL clients assume when the address names none (the process's user name).
    public static func parse(_ text: String, defaultUser: String) throws(ArchiveLocationError) -> ArchiveLocation {
        let trimmed = String(ArticleParser.trimmed(Substring(text)))
        if trimmed.isEmpty { return .embedded }
        return .postgres(try PostgresAddress.parse(trimmed, defaultUser: defaultUser))
    }
}

/// A PostgreSQL connection address without any secret: the password comes from a password file.
public struct PostgresAddress: Sendable, Equatable {
    /// How TLS is used, as libpq's `sslmode` says it.
    public enum TLSMode: String, Sendable, Equatable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var user: String
    /// A host name or address for TCP; `nil` with `socketDirectory` for a local server's socket.
    public var host: String?
    /// The folder holding the server's socket (`/var/run/postgresql`) when `host` is nil.
    public var socketDirectory: String?
    public var port: Int
    public var database: String
    public var tls: TLSMode
    /// The password file named by `passfile=`; nil: `PGPASSFILE`, then `~/.pgpass`.
    public var passwordFile: String?
    /// Trusted CA certificates for `verify-ca` / `verify-full` (`sslrootcert=`).
    public var rootCertificate: String?
    public var applicationName: String
    public var connectTimeoutSeconds: Int

    /// The socket file of a local server: `<dir>/.s.PGSQL.<port>`.
    public var socketPath: String? { socketDirectory.map { "\($0)/.s.PGSQL.\(port)" } }

    /// The address as status and logs show it (it never holds a password).
    public var display: String {
        let place = host.map { $0.contains(":") ? "[\($0)]" : $0 } ?? socketDirectory ?? ""
        return "postgresql://\(user)@\(host == nil ? "" : place):\(port)/\(database)" + (host == nil ? "?host=\(place)" : "")
    }

    /// Parses `postgresql://` or `postgres://` addresses. Refuses what newsd cannot honour
    /// rather than ignoring it: several hosts, unknown parameters, a password in the address.
    public static func parse(_ text: String, defaultUser: String) throws(ArchiveLocationError) -> PostgresAddress {
        let schemes = ["postgresql://", "postgres://"]
        guard let scheme = schemes.first(where: { text.lowercased().hasPrefix($0) }) else {
            throw ArchiveLocationError("must start with postgresql:// (for example postgresql://newsd@db.example.org/news), got '\(text)'")
        }
        var rest = Substring(text.dropFirst(scheme.count))
        var parameters: [(String, String)] = []
        if let mark = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: mark)...].split(separator: "&", omittingEmptySubsequences: true) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, let key = percentDecoded(parts[0]), let value = percentDecoded(parts[1]) else {
                    throw ArchiveLocationError("cannot read the parameter '\(pair)': write key=value, with % escapes for special characters")
                }
                parameters.append((key, value))
            }
            rest = rest[..<mark]
        }
        var databasePart: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            databasePart = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var user: String?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            if userInfo.contains(":") {
                throw ArchiveLocationError("holds a password; put it in a password file (passfile=… or PGPASSFILE, mode 0600) so that it never appears in a config or unit file")
            }
            guard let decoded = percentDecoded(userInfo) else { throw ArchiveLocationError("cannot read the user name '\(userInfo)'") }
            user = decoded.isEmpty ? nil : decoded
            rest = rest[rest.index(after: at)...]
        }
        if rest.contains(",") {
            throw ArchiveLocationError("names several hosts; newsd connects to one (put a replica in index_read_url)")
        }
        var host: String?
        var port: Int?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw ArchiveLocationError("has an IPv6 address without its closing ']'") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw ArchiveLocationError("has '\(after)' after the IPv6 address; expected :port") }
                port = try portNumber(after.dropFirst())
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            port = try portNumber(rest[rest.index(after: colon)...])
        } else if !rest.isEmpty {
            host = String(rest)
        }
        if let encoded = host {
            guard let decoded = percentDecoded(Substring(encoded)) else { throw ArchiveLocationError("cannot read the host '\(encoded)'") }
            host = decoded.isEmpty ? nil : decoded
        }
        guard let database = percentDecoded(databasePart) else { throw ArchiveLocationError("cannot read the database name '\(databasePart)'") }
        var address = PostgresAddress(user: user ?? defaultUser, host: host, socketDirectory: nil, port: port ?? 5432,
                                      database: database, tls: .prefer, passwordFile: nil, rootCertificate: nil,
                                      applicationName: "newsd", connectTimeoutSeconds: 10)
        for (key, value) in parameters {
            switch key {
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else {
                    throw ArchiveLocationError("sslmode must be one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", ")), got '\(value)'")
                }
                address.tls = mode
            case "passfile": address.passwordFile = value
            case "sslrootcert": address.rootCertificate = value
            case "application_name": address.applicationName = value
            case "host": address.host = value
            case "port": address.port = try portNumber(Substring(value))
            case "user": address.user = value
            case "dbname": address.database = value
            case "connect_timeout":
                guard let seconds = Int(value), (1...3600).contains(seconds) else {
                    throw ArchiveLocationError("connect_timeout must be a whole number of seconds from 1 to 3600, got '\(value)'")
                }
                address.connectTimeoutSeconds = seconds
            case "password":
                throw ArchiveLocationError("holds a password; put it in a password file (passfile=… or PGPASSFILE, mode 0600) so that it never appears in a config or unit file")
            default:
                throw ArchiveLocationError("has the parameter '\(key)', which newsd does not know; it reads sslmode, sslrootcert, passfile, host, port, user, dbname, application_name and connect_timeout")
            }
        }
        // As libpq: a host that is a path is the folder of a local server's socket; no host at all is Debian's.
        if let named = address.host, named.hasPrefix("/") {
            address.socketDirectory = named
            address.host = nil
        } else if address.host == nil {
            address.socketDirectory = "/var/run/postgresql"
        }
        if address.database.isEmpty { address.database = address.user }
        if address.user.isEmpty { throw ArchiveLocationError("names no user, and the process's user name is unknown; write postgresql://USER@…") }
        if address.host == nil, address.tls == .require || address.tls == .verifyCA || address.tls == .verifyFull {
            throw ArchiveLocationError("asks for sslmode=\(address.tls.rawValue) over a local socket, where PostgreSQL never uses TLS; use a host name or sslmode=disable")
        }
        return address
    }

    private static func portNumber(_ text: Substring) throws(ArchiveLocationError) -> Int {
        guard let port = Int(text), (1...65535).contains(port) else {
            throw ArchiveLocationError("the port must be a number from 1 to 65535, got '\(text)'")
        }
        return port
    }

    /// `%XX` escapes decoded as UTF-8; nil when an escape is malformed.
    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = utf8.next(), let low = utf8.next(),
                  let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(value)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

/// An `index_url` that cannot be used, with what to write instead.
public struct ArchiveLocationError: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
