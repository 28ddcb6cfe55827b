import Foundation
import NewsCore
import Testing

@Suite struct ArchiveLocationTests {
    func address(_ text: String) throws -> PostgresAddress {
        guard case .postgres(let address) = try ArchiveLocation.parse(text, defaultUser: "newsd") else {
            throw ArchiveLocationError("not a PostgreSQL address")
        }
        return address
    }

    func refusal(_ text: String) -> String? {
        do {
            _ = try ArchiveLocation.parse(text, defaultUser: "newsd")
            return nil
        } catch {
            return error.message
        }
    }

    @Test func emptyMeansTheEmbeddedIndex() throws {
        #expect(try ArchiveLocation.parse("", defaultUser: "newsd") == .embedded)
        #expect(try ArchiveLocation.parse("   ", defaultUser: "newsd") == .embedded)
    }

    @Test func readsUserHostPortDatabaseAndTLS() throws {
        let parsed = try address("postgresql://archive@db.example.org:5433/news?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem&application_name=newsd-a")
        #expect(parsed.user == "archive")
        #expect(parsed.host == "db.example.org")
        #expect(parsed.socketDirectory == nil)
        #expect(parsed.port == 5433)
        #expect(parsed.database == "news")
        #expect(parsed.tls == .verifyFull)
        #expect(parsed.rootCertificate == "/etc/ssl/ca.pem")
        #expect(parsed.applicationName == "newsd-a")
        #expect(parsed.display == "postgresql://archive@db.example.org:5433/news")
    }

    @Test func defaultsAreLibpqs() throws {
        let parsed = try address("postgres://")
        #expect(parsed.user == "newsd")
        #expect(parsed.database == "newsd")
        #expect(parsed.port == 5432)
        #expect(parsed.socketDirectory == "/var/run/postgresql")
        #expect(parsed.socketPath == "/var/run/postgresql/.s.PGSQL.5432")
        #expect(parsed.tls == .prefer)
    }

    @Test func aSocketFolderAsHost() throws {
        let escaped = try address("postgresql://newsd@%2Frun%2Fpostgresql:5544/news")
        #expect(escaped.host == nil)
        #expect(escaped.socketPath == "/run/postgresql/.s.PGSQL.5544")
        let parameter = try address("postgresql:///news?host=/tmp/pg&port=6000")
        #expect(parameter.socketPath == "/tmp/pg/.s.PGSQL.6000")
        #expect(parameter.display == "postgresql://newsd@:6000/news?host=/tmp/pg")
    }

    @Test func ipv6Hosts() throws {
        let parsed = try address("postgresql://newsd@[::1]:5432/news")
        #expect(parsed.host == "::1")
        #expect(parsed.display == "postgresql://newsd@[::1]:5432/news")
    }

    @Test func refusesWhatItCannotHonour() {
        #expect(refusal("mysql://db/news")?.contains("must start with postgresql://") == true)
        #expect(refusal("postgresql://newsd:secret@db/news")?.contains("password file") == true)
        #expect(refusal("postgresql://db/news?password=secret")?.contains("password file") == true)
        #expect(refusal("postgresql://a,b/news")?.contains("several hosts") == true)
        #expect(refusal("postgresql://db:99999/news")?.contains("port") == true)
        #expect(refusal("postgresql://db/news?sslmode=maybe")?.contains("sslmode must be one of") == true)
        #expect(refusal("postgresql://db/news?target_session_attrs=any")?.contains("'target_session_attrs'") == true)
        #expect(refusal("postgresql:///news?sslmode=require")?.contains("local socket") == true)
        #expect(refusal("postgresql://db/news?connect_timeout=0")?.contains("connect_timeout") == true)
        #expect(refusal("postgresql://db/n%zzews")?.contains("database name") == true)
    }

    @Test func passwordFileLines() throws {
        let tcp = try address("postgresql://newsd@db.example.org/news")
        let text = """
            # comment
            other.example.org:5432:news:newsd:wrong
            db.example.org:5432:news:newsd:pa\\:ss\\\\word
            *:*:*:*:fallback
            """
        #expect(PasswordFileLookup.password(in: text, for: tcp) == "pa:ss\\word")
        let local = try address("postgresql:///news?host=/tmp/pg")
        #expect(PasswordFileLookup.password(in: "localhost:5432:news:newsd:local\n", for: local) == "local")
        #expect(PasswordFileLookup.password(in: "/tmp/pg:5432:news:newsd:folder\n", for: local) == "folder")
        #expect(PasswordFileLookup.password(in: "db.example.org:5432:other:newsd:x\n", for: tcp) == nil)
        #expect(PasswordFileLookup.password(in: text.replacingOccurrences(of: "db.example.org:5432:news:newsd:pa\\:ss\\\\word\n", with: ""), for: tcp) == "fallback")
    }
}
