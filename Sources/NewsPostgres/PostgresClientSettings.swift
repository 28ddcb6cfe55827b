import Foundation
import NIOSSL
import NewsCore
import PostgresNIO

/// Turns an `index_url` address into postgres-nio's client configuration: TLS as libpq's
/// `sslmode` means it, and the password (if any) from a password file, never from the address.
enum PostgresClientSettings {
    static func configuration(for address: PostgresAddress, environment: [String: String]) throws(ArchiveError) -> PostgresClient.Configuration {
        let password = try passwordFromFile(for: address, environment: environment)
        var configuration: PostgresClient.Configuration
        if let socket = address.socketPath {
            configuration = .init(unixSocketPath: socket, username: address.user, password: password, database: address.database)
        } else {
            configuration = .init(host: address.host ?? "localhost", port: address.port, username: address.user, password: password,
                                  database: address.database, tls: try tls(for: address))
        }
        configuration.options.connectTimeout = .seconds(Int64(address.connectTimeoutSeconds))
        configuration.options.additionalStartupParameters = [("application_name", address.applicationName)]
        // Queries never need more than a handful at once; a shared server has other clients too.
        configuration.options.maximumConnections = 8
        return configuration
    }

    static func tls(for address: PostgresAddress) throws(ArchiveError) -> PostgresClient.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch address.tls {
        case .disable:
            return .disable
        case .allow, .prefer, .require:
            // As libpq: encryption without checking whose certificate it is, unless a CA is named.
            tls.certificateVerification = address.rootCertificate == nil ? .none : .noHostnameVerification
        case .verifyCA:
            tls.certificateVerification = .noHostnameVerification
        case .verifyFull:
            tls.certificateVerification = .fullVerification
        }
        if let root = address.rootCertificate {
            guard FileManager.default.isReadableFile(atPath: root) else {
                throw ArchiveError(message: "cannot read the CA certificates sslrootcert=\(root) named in index_url")
            }
            tls.trustRoots = .file(root)
        }
        return address.tls == .allow || address.tls == .prefer ? .prefer(tls) : .require(tls)
    }

    /// The password for `address` from `passfile=`, else `PGPASSFILE`, else `~/.pgpass`; nil when
    /// there is no such file or no line matches (peer, trust or certificate authentication).
    static func passwordFromFile(for address: PostgresAddress, environment: [String: String]) throws(ArchiveError) -> String? {
        let named = address.passwordFile ?? environment["PGPASSFILE"]
        let path = named ?? environment["HOME"].map { $0 + "/.pgpass" }
        guard let path else { return nil }
        var info = stat()
        guard stat(path, &info) == 0 else {
            if named != nil { throw ArchiveError(message: "cannot read the password file \(path): \(String(cString: strerror(errno)))") }
            return nil
        }
        guard info.st_mode & 0o077 == 0 else {
            throw ArchiveError(message: "the password file \(path) may be read by others (mode \(String(info.st_mode & 0o777, radix: 8))); run chmod 600 \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ArchiveError(message: "cannot read the password file \(path) as UTF-8 text")
        }
        return PasswordFileLookup.password(in: text, for: address)
    }
}
